using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Models;

/// <summary>
/// One pre-LN Transformer encoder block (Vaswani et al. 2017; pre-LN as in Xiong et al. 2020):
/// x ← x + Dropout(Attention(LN(x))), then x ← x + Dropout(FFN(LN(x))), the feed-forward ReLU or GELU. Shared by the
/// genre teacher and the masked language models, whose students copy whole blocks from their teachers.
/// </summary>
public sealed class TransformerBlock : Module<Tensor, Tensor, Tensor>
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
    private readonly bool _gelu;
    private readonly bool _alibi;
    private Tensor? _bias;

    /// <param name="alibi">Adds ALiBi's distance penalty to the attention scores (see <see cref="AlibiBias"/>).</param>
    public TransformerBlock(int dim, int heads, int feedForward, double dropout, bool gelu = false, bool alibi = false) : base("EncoderBlock")
    {
        _heads = heads;
        _gelu = gelu;
        _alibi = alibi;
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

    /// <summary>Scaled dot-product attention softmax(QKᵀ/√d_h)·V per head; keys at padding (<paramref name="mask"/>
    /// false) get −∞.</summary>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        long b = x.shape[0], s = x.shape[1], d = x.shape[2], dh = d / _heads;
        var parts = qkv.forward(norm1.forward(x)).view(b, s, 3, _heads, dh).permute(2, 0, 3, 1, 4); // [3, B, H, S, dh]
        var (q, k, v) = (parts[0], parts[1], parts[2]);
        var scores = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(dh));
        if (_alibi) scores = scores.add(Bias(s));
        scores = scores.masked_fill(mask.logical_not().unsqueeze(1).unsqueeze(2), float.NegativeInfinity);
        var attended = F.softmax(scores, -1).matmul(v).permute(0, 2, 1, 3).reshape(b, s, d);
        x = x + drop1.forward(proj.forward(attended));
        var hidden = ff1.forward(norm2.forward(x));
        return x + drop2.forward(ff2.forward(_gelu ? F.gelu(hidden) : F.relu(hidden)));
    }

    /// <summary>The bias for sequences of length <paramref name="length"/>, kept between steps (it is no parameter:
    /// checkpoints do not change).</summary>
    private Tensor Bias(long length)
    {
        if (_bias is null || _bias.shape[^1] != length)
        {
            _bias?.Dispose();
            _bias = AlibiBias(_heads, length).DetachFromDisposeScope();
        }
        return _bias;
    }

    /// <summary>
    /// ALiBi (Press et al. 2022, §3), symmetric for a bidirectional encoder: head h adds −m_h·|i − j| to the score of
    /// query i on key j, with slopes m_h = 2^(−8h/H), h = 1…H. Some heads see mostly their neighbours, others the
    /// whole passage, from the first step: a small model need not first learn where its neighbours are. Shape [H, S, S].
    /// </summary>
    public static Tensor AlibiBias(int heads, long length)
    {
        using var positions = arange(length, ScalarType.Float32);
        using var distance = positions.unsqueeze(0).sub(positions.unsqueeze(1)).abs();
        using var slopes = tensor(Enumerable.Range(1, heads).Select(h => (float)Math.Pow(2, -8.0 * h / heads)).ToArray());
        return slopes.view(heads, 1, 1).mul(distance.unsqueeze(0)).neg();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var m in new Module[] { norm1, qkv, proj, drop1, norm2, ff1, ff2, drop2 }) m.Dispose();
            _bias?.Dispose();
        }
        base.Dispose(disposing);
    }
}
