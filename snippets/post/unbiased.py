# Editor's note: running_var takes the unbiased batch variance,
# normalisation the biased one.
import torch

# %% small
# Two samples per channel: the unbiased variance is twice the biased one.
x = torch.tensor([[0.0], [2.0]])
bn = torch.nn.BatchNorm1d(1)
y = bn(x)
print("biased variance:  ", x.var(dim=0, unbiased=False))
print("unbiased variance:", x.var(dim=0, unbiased=True))
# 0.9 * 1 + 0.1 * 2
print("running_var:      ", bn.running_var)
# (x - 1) / sqrt(1 + eps): normalised with the biased variance
print("output y:         ", y.flatten())
