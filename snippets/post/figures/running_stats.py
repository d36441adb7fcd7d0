# running_mean and running_var over 30 batches of x ~ N(1, 4), for
# momentum 0.1 and None, against what the recurrence predicts from the
# batches' own statistics.
import matplotlib.pyplot as plt
from matplotlib import font_manager
import torch

batches = [torch.randn(64, 1) * 2 + 1 for _ in range(30)]

# %% track
def follow(momentum):
    bn = torch.nn.BatchNorm1d(1, momentum=momentum)
    means, variances, predicted_means, predicted_vars = [], [], [], []
    mean, var = 0.0, 1.0
    for t, x in enumerate(batches, start=1):
        bn(x)
        factor = momentum if momentum is not None else 1.0 / t
        mean = (1 - factor) * mean + factor * x.mean().item()
        var = (1 - factor) * var + factor * x.var(unbiased=True).item()
        means.append(bn.running_mean.item())
        variances.append(bn.running_var.item())
        predicted_means.append(mean), predicted_vars.append(var)
    return means, variances, predicted_means, predicted_vars


def largest_gap(a, b):
    return max(abs(u - v) for u, v in zip(a, b))


runs = {"momentum=0.1": follow(0.1), "momentum=None": follow(None)}
gaps = {}
for label, (means, variances, pm, pv) in runs.items():
    gaps[label] = max(largest_gap(means, pm), largest_gap(variances, pv))
    print(f"{label:14s} after 30 batches: "
          f"running_mean={means[-1]:.3f} running_var={variances[-1]:.3f}")
    print(f"{'':14s} equal to the recurrence within 1e-5: "
          f"{gaps[label] < 1e-5}")

# %% plot
# Two panels stacked, large type: readable on a phone too. Drawn once per
# language, each figure labelled with its language (the page links its own).
TEXT = {
    "en": {"batch": "batch", "real": "{} (PyTorch)",
           "predicted": "{} (recurrence)"},
    "zh": {"batch": "批次", "real": "{}：PyTorch 实测",
           "predicted": "{}：递推式"},
}
# The Chinese text needs a CJK font (Debian's fonts-wqy-microhei).
font_manager.findfont("WenQuanYi Micro Hei", fallback_to_default=False)
plt.rcParams["font.family"] = ["DejaVu Sans", "WenQuanYi Micro Hei"]
steps = range(1, len(batches) + 1)
colours = ("tab:blue", "tab:orange")
for language, text in TEXT.items():
    fig, axes = plt.subplots(2, 1, figsize=(4.6, 6.6), label=language)
    for (label, (means, variances, pm, pv)), colour in zip(runs.items(),
                                                           colours):
        for ax, real, predicted in ((axes[0], means, pm),
                                    (axes[1], variances, pv)):
            ax.plot(steps, real, color=colour,
                    label=text["real"].format(label))
            ax.plot(steps, predicted, "o", color=colour, markersize=4,
                    label=text["predicted"].format(label))
    for ax, what, target in ((axes[0], "running_mean", 1.0),
                             (axes[1], "running_var", 4.0)):
        ax.axhline(target, color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel(text["batch"], fontsize=13)
        ax.set_title(what, fontsize=13)
        ax.tick_params(labelsize=13)
    # One legend for both panels, below them.
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=1, fontsize=13)
    fig.tight_layout(rect=(0, 0.22, 1, 1));
