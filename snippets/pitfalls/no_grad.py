# Pitfalls: no_grad() and inference_mode() are not eval().
import torch
from torch import nn

torch.manual_seed(0);  # the build seeds every file with 0 too

bn = nn.BatchNorm1d(3)
x = torch.randn(16, 3) + 5  # every channel has mean about 5

# %% no_grad
# no_grad() only stops autograd; bn is still training.
with torch.no_grad():
    y = bn(x)
print("training:", bn.training)
# Rounded to 4 decimals (+ 0.0 turns -0. into 0.): 0, batch statistics.
print("output mean:", y.mean(dim=0).round(decimals=4) + 0.0)
print("running_mean:", bn.running_mean)

# %% inference_mode
# inference_mode() is no different for BatchNorm.
with torch.inference_mode():
    z = bn(x)
print("running_mean:", bn.running_mean)

# %% eval
# Only eval() uses the running statistics, unchanged.
bn.eval()
kept = bn.running_mean.clone()
with torch.no_grad():
    w = bn(x)
print("output mean:", w.mean(dim=0))
print("running_mean unchanged:", torch.equal(kept, bn.running_mean))
