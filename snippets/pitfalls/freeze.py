# Pitfalls: freezing BatchNorm for fine-tuning, and model.train().
import torch
from torch import nn

# %% helpers
# BatchNorm1d/2d/3d and SyncBatchNorm share this base class.
BatchNorms = nn.modules.batchnorm._BatchNorm


def freeze_bn(model):
    # eval() keeps the running statistics fixed;
    # requires_grad_(False) freezes γ and β.
    for module in model.modules():
        if isinstance(module, BatchNorms):
            module.eval()
            module.weight.requires_grad_(False)
            module.bias.requires_grad_(False)


def make_model():
    torch.manual_seed(0)
    layers = nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 1)
    return nn.Sequential(*layers)


def fine_tune(model, epochs=3, reapply=False):
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(params, lr=0.1)
    for _ in range(epochs):
        model.train()  # the usual first line of an epoch
        if reapply:
            freeze_bn(model)
        for _ in range(5):
            x = torch.randn(8, 4) * 3 + 2
            loss = model(x).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


# %% undone
# Freeze once, then start an epoch: train() unfreezes.
model = make_model()
freeze_bn(model)
after_freeze = model[1].training
model.train()
after_train = model[1].training
print("after freeze_bn:", after_freeze)
print("after model.train():", after_train)
before = model[1].running_mean.clone()
fine_tune(model)
changed = not torch.equal(before, model[1].running_mean)
print("running_mean changed:", changed)

# %% reapply
# Fix 1: call freeze_bn again after every model.train().
model = make_model()
freeze_bn(model)
before = model[1].running_mean.clone()
first = model[0].weight.detach().clone()
fine_tune(model, reapply=True)
print("BatchNorm training:", model[1].training)
kept = torch.equal(before, model[1].running_mean)
trained = not torch.equal(first, model[0].weight)
print("running_mean kept:", kept)
print("first layer trained:", trained)


# %% override
# Fix 2: a model whose train() keeps its BatchNorms frozen.
class FineTuned(nn.Sequential):
    def train(self, mode=True):
        super().train(mode)
        if mode:
            freeze_bn(self)
        return self


model = FineTuned(*make_model())
freeze_bn(model)
before = model[1].running_mean.clone()
fine_tune(model)
print("BatchNorm training:", model[1].training)
kept = torch.equal(before, model[1].running_mean)
gamma_kept = torch.equal(model[1].weight, torch.ones(3))
print("running_mean kept:", kept)
print("γ kept:", gamma_kept)
