# The four normalisations side by side: the dimensions each normalises
# over, the shape of its statistics, and what eval() changes.
import torch
from torch import nn

x = torch.randn(8, 6, 5, 5) * 3 + 1  # N, C, H, W
N, C, H, W = x.shape
G = 2  # groups for GroupNorm, as in the figure: 3 channels each


def normalise(t, dims):
    mean = t.mean(dim=dims, keepdim=True)
    var = t.var(dim=dims, unbiased=False, keepdim=True)
    return (t - mean) / torch.sqrt(var + 1e-5)


# %% axes
# Normalise by hand over each method's dimensions and compare with the
# module (weight 1 and bias 0, as the modules start).
grouped = x.reshape(N, G, -1)
by_hand = {
    "BatchNorm": (normalise(x, (0, 2, 3)), nn.BatchNorm2d(C)),
    "LayerNorm": (normalise(x, (1, 2, 3)), nn.LayerNorm([C, H, W])),
    "InstanceNorm": (normalise(x, (2, 3)), nn.InstanceNorm2d(C)),
    "GroupNorm": (normalise(grouped, 2).reshape(x.shape),
                  nn.GroupNorm(G, C)),
}
shapes = {
    "BatchNorm": x.mean(dim=(0, 2, 3)).shape,
    "LayerNorm": x.mean(dim=(1, 2, 3)).shape,
    "InstanceNorm": x.mean(dim=(2, 3)).shape,
    "GroupNorm": grouped.mean(dim=2).shape,
}
matches = {}
for name, (expected, module) in by_hand.items():
    matches[name] = torch.allclose(module(x), expected, atol=1e-4)
    print(f"{name:12s} statistics {str(tuple(shapes[name])):7s} "
          f"equals the module: {matches[name]}")

# %% eval_mode
# One training step, then the same batch in eval(): does the output
# change? Only where running statistics are kept.
modules = {
    "BatchNorm2d": nn.BatchNorm2d(C),
    "LayerNorm": nn.LayerNorm([C, H, W]),
    "InstanceNorm2d": nn.InstanceNorm2d(C),
    "InstanceNorm2d(track)": nn.InstanceNorm2d(
        C, track_running_stats=True),
    "GroupNorm": nn.GroupNorm(G, C),
}
differs = {}
for name, module in modules.items():
    trained = module.train()(x)
    evaluated = module.eval()(x)
    differs[name] = not torch.allclose(trained, evaluated, atol=1e-5)
    print(f"{name:22s} eval() output differs: {differs[name]}")

# %% tokens atol=1e-5
# In a Transformer, LayerNorm(d) normalises each token over its d
# features: one mean and variance per (batch, token).
tokens = torch.randn(2, 5, 16) * 3 + 1  # batch, tokens, features
token_norm = nn.LayerNorm(16)
out = token_norm(tokens)
token_means = out.mean(dim=-1)
print("statistics per token:", tuple(token_means.shape))
print("largest |mean| of a token:", token_means.abs().max().item())

# %% group_is_layer atol=1e-5
# GroupNorm with one group normalises over (C, H, W), as LayerNorm over
# the last three dimensions does; their affine parameters differ.
group_one_module = nn.GroupNorm(1, C)
layer_module = nn.LayerNorm([C, H, W])
group_one, layer = group_one_module(x), layer_module(x)
print("largest difference:", (group_one - layer).abs().max().item())
print("GroupNorm weight:", tuple(group_one_module.weight.shape))
print("LayerNorm weight:", tuple(layer_module.weight.shape))

# %% group_is_instance atol=1e-5
# GroupNorm with C groups normalises each channel of each sample alone,
# as InstanceNorm does; InstanceNorm2d has no affine parameters by
# default.
group_c_module = nn.GroupNorm(C, C)
instance_module = nn.InstanceNorm2d(C)
group_c, instance = group_c_module(x), instance_module(x)
print("largest difference:", (group_c - instance).abs().max().item())
print("GroupNorm weight:", tuple(group_c_module.weight.shape))
print("InstanceNorm2d affine:", instance_module.affine)
print("InstanceNorm2d track_running_stats:",
      instance_module.track_running_stats)
print("InstanceNorm2d weight:", instance_module.weight)
