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

    public Vae(int inputs, IReadOnlyList<int> hidden, int latent) : base(nameof(Vae))
    {
        Latent = latent;
        var down = new List<(string, Module<Tensor, Tensor>)>();
        var width = inputs;
        for (var i = 0; i < hidden.Count; i++)
        {
            down.Add(($"fc{i}", Linear(width, hidden[i])));
            down.Add(($"relu{i}", ReLU()));
            width = hidden[i];
        }
        encoder = Sequential(down);
        mu = Linear(width, latent);
        logVar = Linear(width, latent);

        var up = new List<(string, Module<Tensor, Tensor>)>();
        width = latent;
        for (var i = hidden.Count - 1; i >= 0; i--)
        {
            up.Add(($"fc{i}", Linear(width, hidden[i])));
            up.Add(($"relu{i}", ReLU()));
            width = hidden[i];
        }
        up.Add(("out", Linear(width, inputs)));
        decoder = Sequential(up);
        RegisterComponents();
    }

    public int Latent { get; }

    public (Tensor Mu, Tensor LogVar) Encode(Tensor x)
    {
        var h = encoder.forward(x);
        return (mu.forward(h), logVar.forward(h));
    }

    public Tensor DecodeLogits(Tensor z) => decoder.forward(z);

    public Tensor Decode(Tensor z) => functional.sigmoid(DecodeLogits(z));

    /// <summary>Reconstruction probabilities through the posterior mean (no sampling).</summary>
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
