using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>
/// Multinomial logistic regression on L2-normalised TF-IDF features: logits = W·x + b with x_v = c_v·idf_v / ‖c·idf‖
/// (c_v: occurrences of word v in the passage). Computed from the ids without building the |V|-wide vector:
/// Σ_v x_v·W_v = Σ_j idf(t_j)·W(t_j) / ‖c·idf‖ over the passage's positions j, and ‖c·idf‖² = Σ_j c(t_j)·idf(t_j)².
/// W starts at 0. Input: token ids [B, S] with 0 = &lt;pad&gt;; output: logits [B, classes].
/// </summary>
public sealed class BagOfWords : Module<Tensor, Tensor>
{
    private readonly Embedding weight;
    private readonly Parameter bias;
    private readonly Tensor idf;

    public BagOfWords(float[] inverseDocumentFrequency, int classes) : base(nameof(BagOfWords))
    {
        weight = Embedding(inverseDocumentFrequency.Length, classes);
        using (no_grad()) weight.weight!.zero_();
        bias = new Parameter(zeros(classes));
        idf = tensor(inverseDocumentFrequency);
        register_buffer(nameof(idf), idf);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        var w = idf.index_select(0, ids.flatten()).view(ids.shape); // [B, S], 0 at padding
        var real = ids.ne(0);
        // c(t_j): how often position j's word occurs in its passage.
        var counts = ids.unsqueeze(2).eq(ids.unsqueeze(1)).logical_and(real.unsqueeze(1)).sum(2).to(w.dtype);
        var norm = counts.mul(w).mul(w).sum(1, keepdim: true).sqrt().clamp_min(1e-6);
        return weight.forward(ids).mul(w.div(norm).unsqueeze(-1)).sum(1) + bias;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            weight.Dispose();
            bias.Dispose();
            idf.Dispose();
        }
        base.Dispose(disposing);
    }
}
