using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>
/// A small DCGAN discriminator: 4×4 convolutions of stride 2 (28 → 14 → 7, 32 and 64 maps, LeakyReLU, dropout),
/// then the flattened map (plus a one-hot label when conditional) → one logit. Takes flattened images like
/// <see cref="Discriminator"/>, with the label appended after the 784 pixels.
/// </summary>
public sealed class ConvDiscriminator : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Linear output;
    private readonly int _pixels;

    public ConvDiscriminator(int side, int conditions = 0, double dropout = 0.3) : base(nameof(ConvDiscriminator))
    {
        _pixels = side * side;
        features = Sequential(
            ("conv0", Conv2d(1, 32, 4, stride: 2, padding: 1)),
            ("act0", new LeakyRelu(0.2)),
            ("drop0", new SeededDropout(dropout)),
            ("conv1", Conv2d(32, 64, 4, stride: 2, padding: 1)),
            ("act1", new LeakyRelu(0.2)),
            ("drop1", new SeededDropout(dropout)),
            ("flatten", Flatten()));
        output = Linear(64 * (side / 4) * (side / 4) + conditions, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var side = (int)Math.Sqrt(_pixels);
        var image = input.narrow(1, 0, _pixels).view(-1, 1, side, side);
        var h = features.forward(image);
        if (input.shape[1] > _pixels) h = cat([h, input.narrow(1, _pixels, input.shape[1] - _pixels)], 1);
        return output.forward(h).squeeze(-1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            features.Dispose();
            output.Dispose();
        }
        base.Dispose(disposing);
    }
}
