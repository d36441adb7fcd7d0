# Pitfalls: one value per channel, and small batches.
import copy

import torch
from torch import nn

# %% one
# A training batch with one value per channel has no variance.
bn = nn.BatchNorm1d(3)
try:
    bn(torch.randn(1, 3))
except ValueError as error:
    print("ValueError:", error)
# One sample is fine when it has several values per channel, and in
# eval() mode, which uses the running statistics.
bn2d = nn.BatchNorm2d(3)
print(tuple(bn2d(torch.randn(1, 3, 2, 2)).shape))
print(tuple(nn.BatchNorm1d(3).eval()(torch.randn(1, 3)).shape))

# %% small
# The gap between training mode (batch statistics) and eval mode
# (running statistics) for the same data, by batch size.
def gap(batch_size, steps=200):
    bn = nn.BatchNorm1d(1)
    for _ in range(steps):
        bn(torch.randn(batch_size, 1) * 2 + 3)
    bn.eval()
    gaps = []
    for _ in range(100):
        x = torch.randn(batch_size, 1) * 2 + 3
        in_training = copy.deepcopy(bn).train()(x)
        gaps.append((in_training - bn(x)).abs().mean().item())
    return sum(gaps) / len(gaps)


gaps = {size: gap(size) for size in (2, 8, 64)}
for size, value in gaps.items():
    print(f"batch size {size:2d}: mean |train - eval| = {value:.3f}")
