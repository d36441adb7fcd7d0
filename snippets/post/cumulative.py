# Editor's note: momentum=None gives a cumulative moving average,
# counted by num_batches_tracked.
import torch

# %% cma
bn = torch.nn.BatchNorm1d(1, momentum=None)
for mean in (1.0, 2.0, 6.0):
    bn(torch.randn(256, 1) + mean)
    print(int(bn.num_batches_tracked), bn.running_mean)
