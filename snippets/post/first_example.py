# The post's first example: one batch through a fresh BatchNorm2d(3).
import inspect

import torch

# %% signature
signature = inspect.signature(torch.nn.BatchNorm2d)
lines, starred = [], False
for p in signature.parameters.values():
    if p.kind is p.VAR_POSITIONAL:
        starred = True  # *args already ends the positional ones
    elif p.kind is p.KEYWORD_ONLY and not starred:
        lines.append("    *,")  # keyword-only parameters follow
        starred = True
    lines.append(f"    {p},")
print("torch.nn.BatchNorm2d(\n" + "\n".join(lines) + "\n)")

# %% run
x = torch.randn([1, 3, 255, 255])
bn = torch.nn.BatchNorm2d(3)
# bn.eval()
y = bn(x)

print(bn.running_mean)  # 均值 / mean
print(bn.running_var)   # 方差 / variance
