# Pitfalls: at inference BatchNorm is a per-channel affine map, and
# folds into the convolution before it.
import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

conv = nn.Conv2d(3, 4, 3, bias=False)
bn = nn.BatchNorm2d(4)
nn.init.uniform_(bn.weight, 0.5, 2.0)
nn.init.uniform_(bn.bias, -1.0, 1.0)
for _ in range(20):  # training batches give running statistics
    bn(conv(torch.randn(8, 3, 8, 8) * 2 + 1))
conv.eval(), bn.eval()
x = torch.randn(2, 3, 8, 8)

# %% affine
# y = scale * z + shift, one scale and one shift per channel.
z = conv(x)
scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
shift = bn.bias - scale * bn.running_mean
by_hand = z * scale[:, None, None] + shift[:, None, None]
print("BatchNorm in eval() = per-channel affine map:",
      torch.allclose(bn(z), by_hand, atol=1e-5))

# %% fold atol=1e-5
fused = fuse_conv_bn_eval(conv, bn)
print(fused)
difference = (fused(x) - bn(conv(x))).abs().max()
print("largest difference, fused vs conv + bn:", difference.item())
print("the fused convolution has a bias:", fused.bias is not None)
# A convolution with its own bias b: fused bias = scale * (b - mean) + β.
conv_b = nn.Conv2d(3, 4, 3).eval()
fused_b = fuse_conv_bn_eval(conv_b, bn)
by_formula = scale * (conv_b.bias - bn.running_mean) + bn.bias
print("with a conv bias, fused bias = scale * (b - running_mean) + beta:",
      torch.allclose(fused_b.bias, by_formula, atol=1e-6))

# %% bias
# In training, a bias before BatchNorm is removed with the batch mean.
with_bias = nn.Conv2d(3, 4, 3, bias=True)
with_bias.weight.data.copy_(conv.weight.data)
train_bn = nn.BatchNorm2d(4)
batch = torch.randn(8, 3, 8, 8)
same = torch.allclose(train_bn(with_bias(batch)),
                      train_bn(conv(batch)), atol=1e-5)
print("same training output with and without a conv bias:", same)
