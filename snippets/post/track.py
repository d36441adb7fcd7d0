# Editor's note: training and track_running_stats are different switches.
import torch

x = torch.randn([4, 3, 8, 8]) * 2 + 3

# %% no_buffers
bn = torch.nn.BatchNorm2d(3, track_running_stats=False)
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)

# %% eval_uses_batch atol=1e-6
# Without running statistics, eval() still normalises with the batch's
# own statistics.
bn.eval()
y = bn(x)
print(y.mean(dim=(0, 2, 3)))
print(y.var(dim=(0, 2, 3), unbiased=False))

# %% tracked_eval
# With them (the default), eval() uses running_mean and running_var.
tracked = torch.nn.BatchNorm2d(3).eval()
z = tracked(x)
print(z.mean(dim=(0, 2, 3)))

# %% attribute
# Setting the attribute on an existing module keeps the buffers:
# training no longer updates them, but eval() still uses them.
late = torch.nn.BatchNorm2d(3)
late.track_running_stats = False
late.train()
late(x)
print(late.running_mean, late.num_batches_tracked)
w = late.eval()(x)
print(w.mean(dim=(0, 2, 3)))
