# The part of PyTorch's own BatchNorm forward() that decides whether the running statistics
# update, read from the installed torch (so it always matches the version that built the site).
import inspect

import torch

# %% excerpt
source = inspect.getsource(torch.nn.modules.batchnorm._BatchNorm.forward)
lines = source.splitlines()
start = next(i for i, line in enumerate(lines) if "if self.training and self.track_running_stats" in line)
end = next(i for i in range(start + 1, len(lines)) if "exponential_average_factor = self.momentum" in lines[i])
print("\n".join(lines[start:end + 1]))

# %% when
# Running statistics change only when both flags are True.
x = torch.randn([4, 3, 8, 8]) + 5
for training in (True, False):
    for track in (True, False):
        bn = torch.nn.BatchNorm2d(3, track_running_stats=track)
        bn.train(training)
        before = None if bn.running_mean is None else bn.running_mean.clone()
        bn(x)
        updated = before is not None and not torch.equal(before, bn.running_mean)
        print(f"training={training!s:5}  track_running_stats={track!s:5}  running stats updated: {updated}")
