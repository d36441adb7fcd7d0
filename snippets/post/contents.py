# What a BatchNorm module holds: parameters, buffers and flags
# (the post's debugger screenshot).
import torch

bn = torch.nn.BatchNorm2d(3)

# %% module
bn

# %% parameters
for name, value in bn.named_parameters():
    print(name, value.data)

# %% buffers
for name, value in bn.named_buffers():
    print(name, value)

# %% flags
print("training:", bn.training)
print("track_running_stats:", bn.track_running_stats)
print("affine:", bn.affine)
print("momentum:", bn.momentum)
print("eps:", bn.eps)
