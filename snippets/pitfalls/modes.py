# Pitfalls: train() and eval(), and frozen affine parameters.
import torch
from torch import nn

model = nn.Sequential(nn.Conv2d(3, 4, 3, bias=False), nn.BatchNorm2d(4))
bn = model[1]
for _ in range(20):  # 20 forward passes in training mode, no optimiser
    model(torch.randn(8, 3, 8, 8) * 2 + 1)
x = torch.randn(8, 3, 8, 8) * 2 + 1

# %% modes
# The same input, in training mode and in eval mode.
model.train()
trained = model(x)
model.eval()
evaluated = model(x)
print("eval() reaches the BatchNorm inside:", not bn.training)
difference = (trained - evaluated).abs().max().item()
print(f"largest difference train vs eval: {difference:.4f}")

# %% frozen
# requires_grad=False freezes weight and bias for the optimiser, but
# a forward pass in training mode still updates the running statistics.
frozen = nn.BatchNorm2d(3)
frozen.weight.requires_grad_(False)
frozen.bias.requires_grad_(False)
before = frozen.running_mean.clone()
frozen(torch.randn(8, 3, 4, 4) + 5)
print("running_mean before:", before)
print("running_mean after: ", frozen.running_mean)
print("num_batches_tracked:", frozen.num_batches_tracked.item())

# %% frozen_eval
# Only eval() stops the update.
frozen.eval()
kept = frozen.running_mean.clone()
frozen(torch.randn(8, 3, 4, 4) + 5)
print("unchanged in eval():", torch.equal(kept, frozen.running_mean))
