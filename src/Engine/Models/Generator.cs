using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>
/// An MLP generator: z (plus a one-hot label when conditional) → (Linear → BatchNorm → LeakyReLU) per hidden width
/// → Linear → sigmoid, a flattened 28×28 image in [0, 1]. Batch normalisation keeps G from collapsing onto one
/// digit early (Radford et al. 2016 use it in G for the same reason).
/// </summary>
public sealed class Generator : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public Generator(int latent, IReadOnlyList<int> hidden, int outputs, int conditions = 0) : base(nameof(Generator))
    {
        Latent = latent;
        Conditions = conditions;
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        var width = modules.AddHidden(latent + conditions, hidden, DenseLayer.LeakyRelu(batchNorm: true));
        modules.Add(("out", Linear(width, outputs)));
        modules.Add(("sigmoid", Sigmoid()));
        layers = Sequential(modules);
        RegisterComponents();
    }

    public int Latent { get; }
    public int Conditions { get; }

    /// <summary>Images from noise [B, latent], or from noise and one-hot labels concatenated [B, latent + classes].</summary>
    public override Tensor forward(Tensor input) => layers.forward(input);

    protected override void Dispose(bool disposing)
    {
        if (disposing) layers.Dispose();
        base.Dispose(disposing);
    }
}
