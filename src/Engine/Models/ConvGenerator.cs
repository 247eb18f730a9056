using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vinula.Engine.Models;

/// <summary>
/// A small DCGAN generator (Radford et al. 2016): z (plus a one-hot label) → Linear to a 64×7×7 map → BatchNorm →
/// ReLU → 4×4 transposed convolutions of stride 2 to 14×14×32 and 28×28×1 (BatchNorm and ReLU between, sigmoid at
/// the end) → a flattened image like <see cref="Generator"/>'s.
/// </summary>
public sealed class ConvGenerator : Module<Tensor, Tensor>
{
    private const int Maps = 64;
    private readonly Linear project;
    private readonly Sequential upsample;

    public ConvGenerator(int latent, int conditions = 0) : base(nameof(ConvGenerator))
    {
        project = Linear(latent + conditions, Maps * 7 * 7);
        upsample = Sequential(
            ("bn0", BatchNorm2d(Maps)),
            ("relu0", ReLU()),
            ("deconv0", ConvTranspose2d(Maps, 32, 4, stride: 2, padding: 1)),
            ("bn1", BatchNorm2d(32)),
            ("relu1", ReLU()),
            ("deconv1", ConvTranspose2d(32, 1, 4, stride: 2, padding: 1)),
            ("sigmoid", Sigmoid()));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) =>
        upsample.forward(project.forward(input).view(-1, Maps, 7, 7)).flatten(1);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            project.Dispose();
            upsample.Dispose();
        }
        base.Dispose(disposing);
    }
}
