# Editor's note: what momentum=0.1 means in practice.
import torch
from torch import nn

torch.manual_seed(0);  # the build seeds every file with 0 too


def batch(mean):
    # 64 values whose mean is exactly `mean`: only the weights show.
    z = torch.randn(64, 1)
    return z - z.mean() + mean


# %% weights
# The weight of each of 30 batches in running_mean:
# batch k has mean 1, all the others mean 0.
weights = []
for k in range(30):
    bn = nn.BatchNorm1d(1)  # momentum=0.1
    for t in range(30):
        bn(batch(1.0 if t == k else 0.0))
    weights.append(bn.running_mean.item())
last_ten = sum(weights[-10:])
initial = 1 - sum(weights)  # what is left for the initial value 0
print(f"last batch {weights[-1]:.3f}, 10 before it {weights[-11]:.3f}")
print(f"the last 10 batches together: {last_ten:.3f}")
print(f"the initial value after 30 batches: {initial:.3f}")
print(f"0.9 ** 30 = {0.9 ** 30:.3f}")

# %% figure
# 30 batches of mean exactly 1: the figure without its noise.
bn = nn.BatchNorm1d(1)
for _ in range(30):
    bn(batch(1.0))
print(f"running_mean: {bn.running_mean.item():.3f}")

# %% drift
# A mean drifting from 0 to 3 over 100 batches, as the
# weights change in training; then recalibration at the end.
means = [3 * t / 100 for t in range(1, 101)]
ema, cma = nn.BatchNorm1d(1), nn.BatchNorm1d(1, momentum=None)
for mean in means:
    ema(batch(mean)), cma(batch(mean))
ema_end, cma_end = ema.running_mean.item(), cma.running_mean.item()
print(f"now 3.000; momentum=0.1: {ema_end:.3f}, "
      f"momentum=None: {cma_end:.3f}")
# Recalibrate: forget everything and average 10 batches of today's data.
ema.reset_running_stats()
ema.momentum = None
for _ in range(10):
    ema(batch(3.0))
recalibrated = ema.running_mean.item()
print(f"recalibrated: {recalibrated:.3f}")
