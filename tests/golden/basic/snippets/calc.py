import torch

# %% sum
x = torch.tensor([1.0, 2.0])
print(x.sum())
x * 2
