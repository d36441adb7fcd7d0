# The part of PyTorch's own BatchNorm forward() that decides whether the
# running statistics update, read from the installed torch (so it always
# matches the version that built the site).
import inspect
import textwrap

import torch

# %% excerpt
BatchNorm = torch.nn.modules.batchnorm._BatchNorm
lines = inspect.getsource(BatchNorm.forward).splitlines()
first = "if self.training and self.track_running_stats"
last = "exponential_average_factor = self.momentum"
start = next(i for i, line in enumerate(lines) if first in line)
end = next(i for i in range(start + 1, len(lines)) if last in lines[i])
excerpt = textwrap.dedent("\n".join(lines[start:end + 1])).splitlines()
shown = []
for line in excerpt:  # re-wrap comment-only lines to fit the page
    text = line.lstrip()
    if text.startswith("#") and len(line) > 76:
        prefix = line[:len(line) - len(text)] + "# "
        shown += textwrap.wrap(text.lstrip("# "), width=76,
                               initial_indent=prefix,
                               subsequent_indent=prefix)
    else:
        shown.append(line)
print("\n".join(shown))

# %% when
# Running statistics change only when both flags are True. Each module
# keeps its buffers and gets both flags as attributes, so every row goes
# through the `if` above (a module built with track_running_stats=False
# has no buffers and could not update whatever the flags).
x = torch.randn([4, 3, 8, 8]) + 5
updated = {}
for training in (True, False):
    for track in (True, False):
        bn = torch.nn.BatchNorm2d(3)
        bn.train(training)
        bn.track_running_stats = track
        before = bn.running_mean.clone()
        bn(x)
        changed = not torch.equal(before, bn.running_mean)
        updated[training, track] = changed
        print(f"training={training!s:5}  "
              f"track_running_stats={track!s:5}  "
              f"updated: {changed}")
