# Pitfalls: which dimension is C, and num_features.
import torch
from torch import nn

torch.manual_seed(0);  # the build seeds every file with 0 too

# %% dims
# C is dimension 1; statistics over all the others.
inputs = {
    "BatchNorm1d (N, C)": (nn.BatchNorm1d(4), torch.randn(8, 4)),
    "BatchNorm1d (N, C, L)": (nn.BatchNorm1d(4), torch.randn(8, 4, 10)),
    "BatchNorm2d (N, C, H, W)": (
        nn.BatchNorm2d(4), torch.randn(8, 4, 5, 5)),
    "BatchNorm3d (N, C, D, H, W)": (
        nn.BatchNorm3d(4), torch.randn(8, 4, 2, 5, 5)),
}
n = {}
for name, (bn, x) in inputs.items():
    bn(x)
    n[name] = x.numel() // x.shape[1]  # values per channel
    print(f"{name}: C = {bn.running_mean.numel()}, n = {n[name]}")

# %% wrong
# Sequence features (N, L, C) put L where C belongs.
features = torch.randn(8, 20, 16)  # N=8, L=20 steps, C=16
bn = nn.BatchNorm1d(16)
try:
    bn(features)
except RuntimeError as error:
    message = str(error)
    print("RuntimeError:", message)

# %% permute
# Move C to dimension 1 and back.
y = bn(features.permute(0, 2, 1)).permute(0, 2, 1)
print(tuple(y.shape))

# %% silent
# L equal to C: no error, but the wrong statistics.
square = torch.randn(8, 16, 16) * torch.arange(1.0, 17.0)  # C is last
wrong = nn.BatchNorm1d(16)(square)
right = nn.BatchNorm1d(16)(square.permute(0, 2, 1)).permute(0, 2, 1)
print("same as the permuted one:", torch.allclose(wrong, right))
