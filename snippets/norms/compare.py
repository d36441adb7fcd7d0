# The four normalisations side by side: the axes each averages over and the shape of its statistics.
import torch

x = torch.randn(8, 6, 5, 5) * 3 + 1  # N, C, H, W
N, C, H, W = x.shape

# %% axes
# Dimensions averaged over, for an (N, C, H, W) input; groups of 2 channels for GroupNorm.
grouped = x.reshape(N, 3, 2 * H * W)
stats = {
    "BatchNorm": x.mean(dim=(0, 2, 3)),     # over N, H, W: one per channel
    "LayerNorm": x.mean(dim=(1, 2, 3)),     # over C, H, W: one per sample
    "InstanceNorm": x.mean(dim=(2, 3)),     # over H, W: one per sample and channel
    "GroupNorm": grouped.mean(dim=2),       # over a group of channels and H, W
}
for name, mean in stats.items():
    print(f"{name:12s} statistics shape: {tuple(mean.shape)}")

# %% group_is_layer
# GroupNorm with one group normalises over (C, H, W): LayerNorm over the last three dimensions.
group_one = torch.nn.GroupNorm(1, C)(x)
layer = torch.nn.LayerNorm([C, H, W])(x)
print(torch.allclose(group_one, layer, atol=1e-5))

# %% group_is_instance
# GroupNorm with C groups normalises each channel of each sample alone: InstanceNorm.
group_c = torch.nn.GroupNorm(C, C)(x)
instance = torch.nn.InstanceNorm2d(C)(x)
print(torch.allclose(group_c, instance, atol=1e-5))
