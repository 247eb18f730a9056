using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>
/// Convolutional: 28×28 → (3×3 conv, stride 2) 14×14×channels → (3×3 conv, stride 2) 7×7×latentMaps, and back
/// with 4×4 transposed convolutions of stride 2. The code is the 7×7 latent map, flattened.
/// </summary>
public sealed class ConvAutoencoder : Module<Tensor, Tensor>, IAutoencoder
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;
    private readonly int _side;
    private readonly int _latentMaps;

    public ConvAutoencoder(int side, int channels, int latentMaps) : base(nameof(ConvAutoencoder))
    {
        _side = side;
        _latentMaps = latentMaps;
        encoder = Sequential(
            ("conv0", Conv2d(1, channels, 3, stride: 2, padding: 1)),
            ("relu0", ReLU()),
            ("conv1", Conv2d(channels, latentMaps, 3, stride: 2, padding: 1)));
        decoder = Sequential(
            ("deconv0", ConvTranspose2d(latentMaps, channels, 4, stride: 2, padding: 1)),
            ("relu0", ReLU()),
            ("deconv1", ConvTranspose2d(channels, 1, 4, stride: 2, padding: 1)),
            ("sigmoid", Sigmoid()));
        RegisterComponents();
    }

    public int LatentSize => _latentMaps * (_side / 4) * (_side / 4);

    /// <summary>Flattened images [B, 784] → flattened 7×7 codes [B, maps·49].</summary>
    public Tensor Encode(Tensor images) => encoder.forward(images.view(-1, 1, _side, _side)).flatten(1);

    public Tensor Decode(Tensor codes) =>
        decoder.forward(codes.view(-1, _latentMaps, _side / 4, _side / 4)).flatten(1);

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
