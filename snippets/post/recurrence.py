# Editor's note: the exact update rule, and an experiment where the
# post's shortcut fails.
import torch

m = 0.1

# %% rule
# running_mean <- (1 - m) * running_mean + m * batch_mean
# running_var  <- (1 - m) * running_var  + m * unbiased_batch_var
x = torch.randn([8, 3, 16, 16]) * 3 + 2
bn = torch.nn.BatchNorm2d(3, momentum=m)
bn(x)
batch_mean = x.mean(dim=(0, 2, 3))
batch_var = x.var(dim=(0, 2, 3), unbiased=True)
print(torch.allclose(bn.running_mean, (1 - m) * 0 + m * batch_mean))
print(torch.allclose(bn.running_var, (1 - m) * 1 + m * batch_var))

# %% mismatch
# x1 ~ N(2, 9) no longer matches the initial running statistics
# (mean 0, variance 1).
x1 = torch.randn([1, 3, 255, 255]) * 3 + 2
x2 = torch.randn([1, 3, 255, 255]) * 2 + 1
bn = torch.nn.BatchNorm2d(3)
bn(x1)
bn(x2)
mean1, mean2 = x1.mean(dim=(0, 2, 3)), x2.mean(dim=(0, 2, 3))
post_formula = (1 - m) * x1.mean() + m * x2.mean()
recurrence = (1 - m) * ((1 - m) * 0 + m * mean1) + m * mean2
print("post's formula (1-m)E(x1) + mE(x2):", post_formula)
print("exact recurrence:                  ", recurrence)
print("PyTorch running_mean:              ", bn.running_mean)
