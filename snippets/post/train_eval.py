# eval() stops the running statistics from updating; train() lets them
# update again.
import torch

bn = torch.nn.BatchNorm2d(3)
x = torch.randn([4, 3, 8, 8]) + 5

# %% eval
bn.eval()
print(bn.training)
y = bn(x)
print(bn.running_mean)  # unchanged: still the initial zeros

# %% train
bn.train()
print(bn.training)
y = bn(x)
print(bn.running_mean)  # updated: 0.9 * 0 + 0.1 * 5
