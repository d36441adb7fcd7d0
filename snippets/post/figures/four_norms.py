# The four normalisations of the GroupNorm paper's Figure 2, drawn from
# what PyTorch computes: an element is shaded when it shares one mean and
# variance with the first element, found as the elements whose values
# change the first normalised output (its gradient is not zero).
import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import torch

N, C, L = 6, 6, 4  # batch, channels, H*W flattened
NORMS = {
    "Batch Norm": torch.nn.BatchNorm1d(C),
    "Layer Norm": torch.nn.LayerNorm([C, L]),
    "Instance Norm": torch.nn.InstanceNorm1d(C),
    "Group Norm": torch.nn.GroupNorm(2, C),
}
BLUE, GREY = [0.35, 0.55, 0.85, 1.0], [0.95, 0.95, 0.95, 1.0]


def shares_statistics(norm: torch.nn.Module) -> np.ndarray:
    x = torch.randn(N, C, L, requires_grad=True)
    norm(x)[0, 0, 0].backward()
    return (x.grad.abs() > 0).numpy()


# %% membership
members = {name: shares_statistics(norm) for name, norm in NORMS.items()}
for name, shared in members.items():
    print(f"{name:13s} {shared.sum():3d} / {shared.size}")

# %% draw
# A 2 x 2 grid, so that each cube stays readable on a narrow screen, drawn
# once per language: each figure is labelled with its language and the
# page links the one in its own.
TITLES = {
    "en": {name: name for name in NORMS},
    "zh": {"Batch Norm": "批归一化 BatchNorm",
           "Layer Norm": "层归一化 LayerNorm",
           "Instance Norm": "实例归一化 InstanceNorm",
           "Group Norm": "组归一化 GroupNorm"},
}
# The Chinese text needs a CJK font (Debian's fonts-wqy-microhei).
font_manager.findfont("WenQuanYi Micro Hei", fallback_to_default=False)
plt.rcParams["font.family"] = ["DejaVu Sans", "WenQuanYi Micro Hei"]
for language, titles in TITLES.items():
    fig = plt.figure(figsize=(5, 5.8), label=language)
    for index, (name, shared) in enumerate(members.items(), start=1):
        ax = fig.add_subplot(2, 2, index, projection="3d")
        # voxels indexed (x, y, z) = (H*W, N, C): the paper's cube,
        # C up and N to the front
        filled = np.ones((L, N, C), dtype=bool)
        inside = shared.transpose(2, 0, 1)[..., None]
        colours = np.where(inside, BLUE, GREY)
        ax.voxels(filled, facecolors=colours,
                  edgecolor=(0.3, 0.3, 0.3, 0.6), linewidth=0.4)
        ax.set_box_aspect((L, N, C))
        ax.view_init(elev=20, azim=-55)
        ax.set_xlabel("H, W", labelpad=-10, fontsize=14)
        ax.set_ylabel("N", labelpad=-10, fontsize=14)
        ax.set_zlabel("C", labelpad=-10, fontsize=14)
        ax.set_xticks([]), ax.set_yticks([]), ax.set_zticks([])
        ax.set_title(titles[name], y=0.98, fontsize=14)
    fig.subplots_adjust(left=0.0, right=0.97, bottom=0.04, top=0.95,
                        wspace=0.0, hspace=0.12);
