# Pitfalls: what convert_sync_batchnorm does to a model (on CPU: the
# conversion needs no process group).
import torch
from torch import nn

model = nn.Sequential(
    nn.Conv2d(3, 4, 3, bias=False), nn.BatchNorm2d(4), nn.ReLU(),
    nn.Sequential(nn.Conv2d(4, 4, 3, bias=False), nn.BatchNorm2d(4)),
)
model(torch.randn(8, 3, 8, 8))  # one training step: buffers move
model.eval()
x = torch.randn(2, 3, 8, 8)
before = model(x)
old = model[1]

# %% convert
converted = nn.SyncBatchNorm.convert_sync_batchnorm(model)
print(converted)
new = converted[1]
print("same model object:", converted is model)
print("same weight Parameter:", new.weight is old.weight)
print("same running_mean:", new.running_mean is old.running_mean)
print("eval output unchanged:", torch.equal(converted(x), before))
