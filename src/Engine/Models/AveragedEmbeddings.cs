using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Models;

/// <summary>
/// The text student: word embeddings averaged over the passage's real tokens, then a linear layer to the classes
/// (fastText, Joulin et al. 2017), optionally through one hidden ReLU layer. No attention, no order: cheap to run.
/// Input: token ids [B, S] with 0 = &lt;pad&gt;; output: logits [B, classes].
/// </summary>
public sealed class AveragedEmbeddings : Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly Sequential head;

    public AveragedEmbeddings(int vocabulary, int dim, int hidden, int classes) : base(nameof(AveragedEmbeddings))
    {
        embedding = Embedding(vocabulary, dim, padding_idx: 0);
        head = hidden > 0
            ? Sequential(("hidden", Linear(dim, hidden)), ("relu", ReLU()), ("out", Linear(hidden, classes)))
            : Sequential(("out", Linear(dim, classes)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids) =>
        head.forward(TextPooling.MaskedMean(embedding.forward(ids), ids.ne(0)));

    /// <summary>Word embeddings N(0, 1) drawn from <paramref name="random"/>; the pad row stays 0.</summary>
    public AveragedEmbeddings InitialiseEmbeddings(torch.Generator random)
    {
        using var _ = no_grad();
        embedding.weight!.normal_(0, 1, random);
        using var pad = embedding.weight[0];
        pad.zero_();
        return this;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            embedding.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
