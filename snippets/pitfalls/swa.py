# Pitfalls: torch.optim.swa_utils.update_bn recomputes the running
# statistics over a loader with momentum=None (a cumulative average).
import torch
from torch import nn
from torch.optim.swa_utils import update_bn

model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
bn = model[1]
for _ in range(50):  # stale statistics from other data
    model(torch.randn(16, 2) * 5 - 4)
model.eval();

# %% update
loader = [torch.randn(16, 2) + shift for shift in (1.0, 2.0, 6.0)]
with torch.no_grad():
    batch_means = [model[0](batch).mean(dim=0) for batch in loader]
update_bn(loader, model)
print("running_mean:        ", bn.running_mean)
print("mean of batch means: ", torch.stack(batch_means).mean(dim=0))
print("num_batches_tracked: ", bn.num_batches_tracked.item())
print("momentum afterwards: ", bn.momentum)
print("still in eval():     ", not model.training)
