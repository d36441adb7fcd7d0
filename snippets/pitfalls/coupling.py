# Pitfalls: in training mode the samples of a batch are coupled.
import torch
from torch import nn

torch.manual_seed(0);  # the build seeds every file with 0 too

bn = nn.BatchNorm1d(3)
x = torch.randn(8, 3)
other = x.clone()
other[1] += 4  # change sample 1 only

# %% output
# Sample 0's output depends on sample 1 in training mode only.
change_train = (bn(x)[0] - bn(other)[0]).abs().max().item()
bn.eval()
change_eval = (bn(x)[0] - bn(other)[0]).abs().max().item()
bn.train()
print(f"sample 0 moves by {change_train:.3f} in train()")
print(f"sample 0 moves by {change_eval:.3f} in eval()")

# %% gradient
# The loss of sample 0 alone has a gradient on sample 1.
def grad_of_sample_0(mode):
    inputs = x.clone().requires_grad_()
    bn.train(mode)
    bn(inputs)[0].pow(2).sum().backward()
    return inputs.grad[1]


grad_train = grad_of_sample_0(True)
grad_eval = grad_of_sample_0(False)
print("train():", grad_train)
print("eval(): ", grad_eval)

# %% accumulation
# 32 samples at once, or 4 accumulated micro-batches of 8.
def gradient(model, data, parts):
    model.zero_grad()
    for chunk in data.chunk(parts):
        (model(chunk).pow(2).sum() / len(data)).backward()
    return model[0].weight.grad.clone()


torch.manual_seed(1)
data = torch.randn(32, 4) * 2 + 1
same = {}
for norm in (nn.Identity(), nn.BatchNorm1d(3)):
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(4, 3), norm, nn.Linear(3, 1))
    whole = gradient(model, data, 1)
    accumulated = gradient(model, data, 4)
    name = type(norm).__name__
    same[name] = torch.allclose(whole, accumulated, atol=1e-6)
    print(f"{name}: same gradient: {same[name]}")
difference = ((whole - accumulated).norm() / whole.norm()).item()
print(f"relative difference with BatchNorm: {difference:.2f}")
