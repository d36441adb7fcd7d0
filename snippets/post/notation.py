# Editor's note: the page's notation on one batch of shape (N, C, H, W).
import torch
from torch import nn

torch.manual_seed(0);  # the build seeds every file with 0 too

# %% key
x = torch.randn(4, 3, 5, 5) * 2 + 1
bn = nn.BatchNorm2d(3)
m = bn.momentum
n = x.numel() // x.shape[1]  # values per channel: N·H·W
mu_B = x.mean(dim=(0, 2, 3))  # one per channel
var_B = x.var(dim=(0, 2, 3), unbiased=False)  # divides by n
bn(x)
print("m =", m, " n =", n, " C =", mu_B.numel())
rule_mean = (1 - m) * 0 + m * mu_B
rule_var = (1 - m) * 1 + m * n / (n - 1) * var_B
print("running_mean:", torch.allclose(bn.running_mean, rule_mean))
print("running_var: ", torch.allclose(bn.running_var, rule_var))
