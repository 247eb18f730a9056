using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>
/// A dense VAE: the encoder gives q(z|x) = N(μ, diag σ²) (it outputs μ and log σ²), the decoder gives the logits of
/// a Bernoulli p(x|z) per pixel. <see cref="Decode"/> returns pixel probabilities, <see cref="DecodeLogits"/> the logits.
/// </summary>
public sealed class Vae : Module<Tensor, Tensor>
{
    private readonly Sequential encoder;
    private readonly Linear mu;
    private readonly Linear logVar;
    private readonly Sequential decoder;

    public Vae(int inputs, IReadOnlyList<int> hidden, int latent, int conditions = 0) : base(nameof(Vae))
    {
        Latent = latent;
        Conditions = conditions;
        var down = new List<(string, Module<Tensor, Tensor>)>();
        var width = down.AddHidden(inputs + conditions, hidden, DenseLayer.Relu());
        encoder = Sequential(down);
        mu = Linear(width, latent);
        logVar = Linear(width, latent);

        var up = new List<(string, Module<Tensor, Tensor>)>();
        width = up.AddHidden(latent + conditions, hidden, DenseLayer.Relu(), mirrored: true);
        up.Add(("out", Linear(width, inputs)));
        decoder = Sequential(up);
        RegisterComponents();
    }

    public int Latent { get; }

    /// <summary>The encoder's parameters (q(z|x)); a VAE/GAN updates them on their own loss.</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> EncoderParameters() =>
        encoder.parameters().Concat(mu.parameters()).Concat(logVar.parameters());

    /// <summary>The decoder's parameters (p(x|z)), the VAE/GAN's generator.</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> DecoderParameters() => decoder.parameters();

    /// <summary>Size of the one-hot condition both halves see (10 for a cVAE, 0 for a VAE).</summary>
    public int Conditions { get; }

    /// <summary>q(z|x) — or q(z|x, y) with a one-hot <paramref name="condition"/> for a cVAE.</summary>
    public (Tensor Mu, Tensor LogVar) Encode(Tensor x, Tensor? condition = null)
    {
        var h = encoder.forward(condition is null ? x : cat([x, condition], 1));
        return (mu.forward(h), logVar.forward(h));
    }

    public Tensor DecodeLogits(Tensor z, Tensor? condition = null) => decoder.forward(condition is null ? z : cat([z, condition], 1));

    public Tensor Decode(Tensor z, Tensor? condition = null) => functional.sigmoid(DecodeLogits(z, condition));

    /// <summary>Reconstruction probabilities through the posterior mean (no sampling); unconditional only.</summary>
    public override Tensor forward(Tensor x) => Decode(Encode(x).Mu);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            encoder.Dispose();
            mu.Dispose();
            logVar.Dispose();
            decoder.Dispose();
        }
        base.Dispose(disposing);
    }
}
