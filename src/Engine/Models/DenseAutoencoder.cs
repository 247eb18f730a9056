using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>An autoencoder: <see cref="Encode"/> to a latent code, <see cref="Decode"/> back to pixels in [0, 1].</summary>
public interface IAutoencoder
{
    Tensor Encode(Tensor images);
    Tensor Decode(Tensor codes);
}

/// <summary>Fully connected: 784 → hidden… → latent → …hidden → 784 (sigmoid), ReLU between layers.</summary>
public sealed class DenseAutoencoder : Module<Tensor, Tensor>, IAutoencoder
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;

    public DenseAutoencoder(int inputs, IReadOnlyList<int> hidden, int latent) : base(nameof(DenseAutoencoder))
    {
        var down = new List<(string, Module<Tensor, Tensor>)>();
        var width = down.AddHidden(inputs, hidden, DenseLayer.Relu());
        down.Add(("code", Linear(width, latent)));
        encoder = Sequential(down);

        var up = new List<(string, Module<Tensor, Tensor>)>();
        width = up.AddHidden(latent, hidden, DenseLayer.Relu(), mirrored: true);
        up.Add(("out", Linear(width, inputs)));
        up.Add(("sigmoid", Sigmoid()));
        decoder = Sequential(up);
        RegisterComponents();
    }

    public Tensor Encode(Tensor images) => encoder.forward(images);
    public Tensor Decode(Tensor codes) => decoder.forward(codes);
    public override Tensor forward(Tensor images) => Decode(Encode(images));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            encoder.Dispose();
            decoder.Dispose();
        }
        base.Dispose(disposing);
    }
}
