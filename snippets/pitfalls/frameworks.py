# Pitfalls: PyTorch's defaults, and a BatchNorm2d configured like Keras's
# defaults (Keras's momentum 0.99 is 1 - 0.99 = 0.01 here; epsilon 1e-3).
import torch
from torch import nn

# %% defaults
bn = nn.BatchNorm2d(3)
print("PyTorch momentum:", bn.momentum, " eps:", bn.eps)
keras_like = nn.BatchNorm2d(3, momentum=0.01, eps=1e-3)
print(keras_like)
