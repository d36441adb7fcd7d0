# The post's first example: one batch through a fresh BatchNorm2d(3).
import inspect

import torch

# %% signature
signature = inspect.signature(torch.nn.BatchNorm2d)
lines = [f"    {p}," for p in signature.parameters.values()]
print("torch.nn.BatchNorm2d(\n" + "\n".join(lines) + "\n)")

# %% run
x = torch.randn([1, 3, 255, 255])
bn = torch.nn.BatchNorm2d(3)
# bn.eval()
y = bn(x)

print(bn.running_mean)  # 均值 / mean
print(bn.running_var)   # 方差 / variance
