# %% mean
m = (1 + 2 + 3) / 3
print(m)
