using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Models;

/// <summary>
/// A small Transformer encoder classifier (Vaswani et al. 2017, pre-LN as in Xiong et al. 2020): word embedding +
/// learned position embedding, <c>layers</c> blocks of multi-head self-attention and a ReLU feed-forward, each
/// x ← x + f(LayerNorm(x)); a final LayerNorm, the mean over the passage's real tokens (padding masked out), and a
/// linear layer to the classes. Input: token ids [B, S] with 0 = &lt;pad&gt;; output: logits [B, classes].
/// </summary>
public sealed class TextTransformer : Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly Parameter position;
    private readonly ModuleList<EncoderBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Linear head;

    public TextTransformer(int vocabulary, int maxTokens, int dim, int heads, int feedForward, int layers, int classes, double dropout)
        : base(nameof(TextTransformer))
    {
        embedding = Embedding(vocabulary, dim, padding_idx: 0);
        position = new Parameter(zeros(maxTokens, dim));
        blocks = new ModuleList<EncoderBlock>([.. Enumerable.Range(0, layers).Select(_ => new EncoderBlock(dim, heads, feedForward, dropout))]);
        norm = LayerNorm(dim);
        head = Linear(dim, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        var mask = ids.ne(0); // [B, S]: real tokens
        var x = embedding.forward(ids) + position.narrow(0, 0, ids.shape[1]);
        foreach (var block in blocks)
            x = block.forward(x, mask);
        return head.forward(TextPooling.MaskedMean(norm.forward(x), mask));
    }

    /// <summary>Draws the embeddings from <paramref name="random"/>: word N(0, 1) (PyTorch's default), position
    /// N(0, 0.02²) (BERT's); the pad row stays 0. Linear layers: <see cref="Randomness.Initialise"/>.</summary>
    public TextTransformer InitialiseEmbeddings(torch.Generator random)
    {
        using var _ = no_grad();
        embedding.weight!.normal_(0, 1, random);
        using var pad = embedding.weight[0];
        pad.zero_();
        position.normal_(0, 0.02, random);
        return this;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            embedding.Dispose();
            position.Dispose();
            blocks.Dispose();
            norm.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>One pre-LN encoder block: x + Dropout(Attention(LN(x))), then x + Dropout(FFN(LN(x))).</summary>
    private sealed class EncoderBlock : Module<Tensor, Tensor, Tensor>
    {
        private readonly LayerNorm norm1;
        private readonly Linear qkv;
        private readonly Linear proj;
        private readonly SeededDropout drop1;
        private readonly LayerNorm norm2;
        private readonly Linear ff1;
        private readonly Linear ff2;
        private readonly SeededDropout drop2;
        private readonly int _heads;

        public EncoderBlock(int dim, int heads, int feedForward, double dropout) : base(nameof(EncoderBlock))
        {
            _heads = heads;
            norm1 = LayerNorm(dim);
            qkv = Linear(dim, 3 * dim);
            proj = Linear(dim, dim);
            drop1 = new SeededDropout(dropout);
            norm2 = LayerNorm(dim);
            ff1 = Linear(dim, feedForward);
            ff2 = Linear(feedForward, dim);
            drop2 = new SeededDropout(dropout);
            RegisterComponents();
        }

        /// <summary>Scaled dot-product attention softmax(QKᵀ/√d_h)·V per head; keys at padding get −∞.</summary>
        public override Tensor forward(Tensor x, Tensor mask)
        {
            long b = x.shape[0], s = x.shape[1], d = x.shape[2], dh = d / _heads;
            var parts = qkv.forward(norm1.forward(x)).view(b, s, 3, _heads, dh).permute(2, 0, 3, 1, 4); // [3, B, H, S, dh]
            var (q, k, v) = (parts[0], parts[1], parts[2]);
            var scores = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(dh));
            scores = scores.masked_fill(mask.logical_not().unsqueeze(1).unsqueeze(2), float.NegativeInfinity);
            var attended = F.softmax(scores, -1).matmul(v).permute(0, 2, 1, 3).reshape(b, s, d);
            x = x + drop1.forward(proj.forward(attended));
            return x + drop2.forward(ff2.forward(F.relu(ff1.forward(norm2.forward(x)))));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                foreach (var m in new Module[] { norm1, qkv, proj, drop1, norm2, ff1, ff2, drop2 }) m.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>Pooling over a passage's real tokens.</summary>
public static class TextPooling
{
    /// <summary>Mean of x [B, S, D] over the positions where <paramref name="mask"/> [B, S] is true.</summary>
    public static Tensor MaskedMean(Tensor x, Tensor mask)
    {
        var m = mask.unsqueeze(-1).to(x.dtype);
        return x.mul(m).sum(1).div(m.sum(1).clamp_min(1));
    }
}
