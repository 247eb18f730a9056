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
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Linear head;

    public TextTransformer(int vocabulary, int maxTokens, int dim, int heads, int feedForward, int layers, int classes, double dropout)
        : base(nameof(TextTransformer))
    {
        embedding = Embedding(vocabulary, dim, padding_idx: 0);
        position = new Parameter(zeros(maxTokens, dim));
        blocks = new ModuleList<TransformerBlock>([.. Enumerable.Range(0, layers).Select(_ => new TransformerBlock(dim, heads, feedForward, dropout))]);
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
