#!/usr/bin/env python3
"""The steps benchmark's PyTorch side: one training step of a reference model in plain PyTorch eager, timed.

Usage: reference_models.py MODEL THREADS SECONDS    (MODEL: mlp, vae, dcgan, transformer)

The same models, optimisers and batches as tests/Benchmarks/ReferenceModels.cs's bare TorchSharp steps: one fixed
random batch, one loss.item() a step, nothing else. Warm-up min(2, SECONDS/2) s, then SECONDS timed; prints one JSON
line {"model", "threads", "steps", "seconds", "samples_per_s"}. Run it as the benchmark does, with the allocator
tuned like the app's (MALLOC_TRIM_THRESHOLD_=2147483647 MALLOC_MMAP_THRESHOLD_=33554432), on Debian's python3-torch.
"""
import json, math, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

MNIST_PIXELS, SIDE, CLASSES = 784, 28, 10


def mlp():
    """784-1200-1200-10, ReLU, cross-entropy, Adam 1e-3, batch 128 (the engine's Mlp without dropout)."""
    b = 128
    model = nn.Sequential(nn.Linear(784, 1200), nn.ReLU(), nn.Linear(1200, 1200), nn.ReLU(), nn.Linear(1200, 10))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x, y = torch.rand(b, 784), torch.randint(0, 10, (b,))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return b, step


class ConvVae(nn.Module):
    """4x4 stride-2 convs to 32 and 64 maps, linear to mu and log sigma^2 (latent 16); linear to 64x7x7 and transposed
    convs back to 1 map of logits (ReferenceModels.cs, ConvVae)."""
    def __init__(s, latent=16):
        super().__init__()
        s.encoder = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(), nn.Flatten())
        s.mu, s.log_var = nn.Linear(64 * 49, latent), nn.Linear(64 * 49, latent)
        s.project = nn.Linear(latent, 64 * 49)
        s.decoder = nn.Sequential(nn.ReLU(), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, 2, 1))

    def encode(s, x):
        h = s.encoder(x.view(-1, 1, SIDE, SIDE))
        return s.mu(h), s.log_var(h)

    def decode_logits(s, z):
        return s.decoder(s.project(z).view(-1, 64, 7, 7)).flatten(1)


def vae():
    """-ELBO with a Bernoulli likelihood (Kingma & Welling 2014, appendix B), Adam 1e-3, batch 128."""
    b = 128
    model = ConvVae()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.rand(b, 784)

    def step():
        opt.zero_grad()
        mu, log_var = model.encode(x)
        z = mu + (log_var * 0.5).exp() * torch.randn_like(mu)
        recon = F.binary_cross_entropy_with_logits(model.decode_logits(z), x, reduction='none').sum(-1).mean()
        kl = ((log_var + 1 - mu.pow(2) - log_var.exp()) * -0.5).sum(-1).mean()
        loss = recon + kl
        loss.backward()
        opt.step()
        return loss.item()
    return b, step


class ConvGenerator(nn.Module):
    """The engine's ConvGenerator: z -> 64x7x7, BN, ReLU, 4x4 transposed convs (stride 2) to 32 maps and 1, sigmoid."""
    def __init__(s, latent):
        super().__init__()
        s.project = nn.Linear(latent, 64 * 49)
        s.upsample = nn.Sequential(nn.BatchNorm2d(64), nn.ReLU(), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.BatchNorm2d(32),
                                   nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Sigmoid())

    def forward(s, z):
        return s.upsample(s.project(z).view(-1, 64, 7, 7)).flatten(1)


class ConvDiscriminator(nn.Module):
    """The engine's ConvDiscriminator: 4x4 stride-2 convs to 32 and 64 maps, LeakyReLU 0.2, dropout 0.3, linear to 1."""
    def __init__(s):
        super().__init__()
        s.features = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.LeakyReLU(0.2), nn.Dropout(0.3),
                                   nn.Conv2d(32, 64, 4, 2, 1), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Flatten())
        s.output = nn.Linear(64 * 49, 1)

    def forward(s, x):
        return s.output(s.features(x.view(-1, 1, SIDE, SIDE))).squeeze(-1)


def dcgan():
    """(1) update D on a real batch and detached fakes (real target 0.9); (2) update G through D with D's weights
    frozen. Adam 2e-4, beta1 0.5 (Radford et al. 2016), latent 64, batch 64."""
    b, latent = 64, 64
    g, d = ConvGenerator(latent), ConvDiscriminator()
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    real = torch.rand(b, 784)

    def step():
        fake = g(torch.randn(b, latent)).detach()
        real_logits, fake_logits = d(real), d(fake)
        d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, 0.9))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()

        for p in d.parameters():
            p.requires_grad_(False)
        fake_logits = d(g(torch.randn(b, latent)))
        g_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        for p in d.parameters():
            p.requires_grad_(True)
        return d_loss.item()
    return b, step


class Block(nn.Module):
    """The engine's TransformerBlock as the masked LM uses it: pre-LN, GELU feed-forward, ALiBi on the scores."""
    def __init__(s, dim, heads, ff, dropout, tokens):
        super().__init__()
        s.heads = heads
        s.norm1, s.qkv, s.proj, s.drop1 = nn.LayerNorm(dim), nn.Linear(dim, 3 * dim), nn.Linear(dim, dim), nn.Dropout(dropout)
        s.norm2, s.ff1, s.ff2, s.drop2 = nn.LayerNorm(dim), nn.Linear(dim, ff), nn.Linear(ff, dim), nn.Dropout(dropout)
        positions = torch.arange(tokens, dtype=torch.float32)
        distance = (positions.unsqueeze(0) - positions.unsqueeze(1)).abs()
        slopes = torch.tensor([2 ** (-8.0 * h / heads) for h in range(1, heads + 1)])
        s.register_buffer('bias', -(slopes.view(heads, 1, 1) * distance.unsqueeze(0)))

    def forward(s, x, mask):
        b, n, d = x.shape
        dh = d // s.heads
        q, k, v = s.qkv(s.norm1(x)).view(b, n, 3, s.heads, dh).permute(2, 0, 3, 1, 4)
        scores = q.matmul(k.transpose(-2, -1)).div(math.sqrt(dh)).add(s.bias[:, :n, :n])
        scores = scores.masked_fill(mask.logical_not().unsqueeze(1).unsqueeze(2), float('-inf'))
        attended = F.softmax(scores, -1).matmul(v).permute(0, 2, 1, 3).reshape(b, n, d)
        x = x + s.drop1(s.proj(attended))
        return x + s.drop2(s.ff2(F.gelu(s.ff1(s.norm2(x)))))


class MaskedLanguageModel(nn.Module):
    """The engine's MaskedLanguageModel: embeddings + positions, blocks, LN, BERT's head tied to the embedding."""
    def __init__(s, vocab, tokens, dim, heads, ff, layers, dropout):
        super().__init__()
        s.embedding = nn.Embedding(vocab, dim, padding_idx=0)
        s.position = nn.Parameter(torch.zeros(tokens, dim))
        s.blocks = nn.ModuleList([Block(dim, heads, ff, dropout, tokens) for _ in range(layers)])
        s.norm, s.transform, s.transform_norm = nn.LayerNorm(dim), nn.Linear(dim, dim), nn.LayerNorm(dim)
        s.output_bias = nn.Parameter(torch.zeros(vocab))

    def encode(s, ids):
        mask = ids.ne(0)
        x = s.embedding(ids) + s.position[:ids.shape[1]]
        for block in s.blocks:
            x = block(x, mask)
        return s.norm(x)

    def predict(s, h):
        return F.linear(s.transform_norm(F.gelu(s.transform(h))), s.embedding.weight, s.output_bias)


def transformer():
    """2 layers, d_model 128, 4 heads, ff 512, dropout 0.1, 64 tokens, vocabulary 1000, batch 32; BERT's masking at
    15 % (80 % <mask>, 10 % random, 10 % kept), cross-entropy at the masked positions only; Adam 1e-3."""
    b, tokens, vocab, special, mask_id = 32, 64, 1000, 5, 4
    model = MaskedLanguageModel(vocab, tokens, 128, 4, 512, 2, 0.1)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    ids = torch.randint(special, vocab, (b, tokens))
    chosen = torch.rand(ids.shape).lt(0.15)
    how = torch.rand(ids.shape)
    inp = ids.masked_fill(chosen & how.lt(0.8), mask_id)
    inp = torch.where(chosen & how.ge(0.8) & how.lt(0.9), torch.randint(special, vocab, ids.shape), inp)
    targets = ids.masked_fill(~chosen, -100)

    def step():
        opt.zero_grad()
        asked = targets.ne(-100)
        loss = F.cross_entropy(model.predict(model.encode(inp)[asked]), targets[asked])
        loss.backward()
        opt.step()
        return loss.item()
    return b, step


def main():
    name, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    batch, step = {'mlp': mlp, 'vae': vae, 'dcgan': dcgan, 'transformer': transformer}[name]()
    warmup = min(2.0, seconds / 2)
    first = time.perf_counter()
    while time.perf_counter() - first < warmup:
        step()
    steps, start = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    print(json.dumps({'model': name, 'threads': threads, 'steps': steps, 'seconds': elapsed,
                      'samples_per_s': steps * batch / elapsed}))


if __name__ == '__main__':
    main()
