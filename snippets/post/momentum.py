# The momentum experiment of the post: two batches with different
# statistics through one BatchNorm2d(3); what do running_mean and
# running_var hold afterwards?
# Runs on its own too: python snippets/post/momentum.py
import torch

torch.manual_seed(0);  # the build seeds every file with 0 too

# %% x1 atol=1e-6
# x1 ~ N(0, 1)
x1 = torch.randn([1, 3, 255, 255])
bn = torch.nn.BatchNorm2d(3)
y1 = bn(x1)

print(bn.running_mean)
print(bn.running_var)
print('data:', torch.mean(y1), torch.var(y1))

# %% x2 atol=1e-6
# x2 ~ N(1, 4)
x2 = torch.randn([1, 3, 255, 255]) * 2 + 1
y2 = bn(x2)

print(bn.running_mean)
print(bn.running_var)
print('data:', torch.mean(y2), torch.var(y2))

# %% check
# The recurrence, with m = bn.momentum: the initial running_mean 0 keeps
# weight (1 - m)^2, the mean of x1 (1 - m) * m, the mean of x2 m; the
# same for running_var, from 1 and the batches' unbiased variances.
m = bn.momentum
mean1, mean2 = x1.mean(dim=(0, 2, 3)), x2.mean(dim=(0, 2, 3))
var1, var2 = x1.var(dim=(0, 2, 3)), x2.var(dim=(0, 2, 3))  # unbiased
print("momentum:", m)
print("recurrence:  ", (1 - m) ** 2 * 0 + (1 - m) * m * mean1 + m * mean2)
print("running_mean:", bn.running_mean)
print("recurrence:  ", (1 - m) ** 2 * 1 + (1 - m) * m * var1 + m * var2)
print("running_var: ", bn.running_var)
