using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Imaging;
using Vinula.Engine.Training;
using static TorchSharp.torch;

namespace Vinula.Engine.Analysis;

/// <summary>
/// Interpolation between two test digits a and b in ten steps, t = 0, 1/9, …, 1: in pixel space,
/// (1 − t)·x_a + t·x_b (a cross-fade), and in latent space, decode((1 − t)·z_a + t·z_b). A good code turns one digit
/// into the other through plausible digits; pixels only fade.
/// </summary>
public static class Homotopy
{
    public const int Steps = 10;

    /// <summary>Two strips (pixels above, latent below) as one PNG. Call inside a dispose scope under no_grad.</summary>
    public static byte[] Render(LatentModel model, MnistData mnist, int rowA, int rowB)
    {
        var a = mnist.Test[rowA];
        var b = mnist.Test[rowB];
        var x = tensor(mnist.Gather([a, b]), [2, MnistData.Pixels]);
        var t = linspace(0, 1, Steps).unsqueeze(1);
        var pixels = x[0] * (1 - t) + x[1] * t;
        // A cVAE's condition moves along the path too (a mix of the two one-hot labels), with the style.
        var y = model.Conditions > 0 ? OneHot([mnist.Labels[a], mnist.Labels[b]], model.Conditions) : null;
        var z = model.Encode(x, y);
        var path = z[0] * (1 - t.to(z.dtype)) + z[1] * t.to(z.dtype);
        var latent = model.Decode(path, y is null ? null : y[0] * (1 - t) + y[1] * t).to(ScalarType.Float32);
        return Png.Grid(cat([pixels, latent], 0).ToFloats(), 2 * Steps, Steps, MnistData.Side, MnistData.Side, scale: 2);
    }

    internal static Tensor OneHot(IEnumerable<long> labels, int classes) =>
        nn.functional.one_hot(tensor(labels.ToArray()), classes).to(ScalarType.Float32);
}

/// <summary>A conditional model's seed-label grid for any test digit: encoded with its own label, decoded with every label.</summary>
public static class StyleTransfer
{
    /// <summary>One strip: the digit itself, then its style drawn as 0, 1, …, 9. Call inside a dispose scope under no_grad.</summary>
    public static byte[] Render(LatentModel model, MnistData mnist, int row)
    {
        if (model.Conditions == 0) throw new NotSupportedException("Style transfer needs a model conditioned on the label.");
        var index = mnist.Test[row];
        var x = tensor(mnist.Gather([index]), [1, MnistData.Pixels]);
        var mu = model.Encode(x, Homotopy.OneHot([mnist.Labels[index]], model.Conditions));
        var labels = Homotopy.OneHot(Enumerable.Range(0, model.Conditions).Select(l => (long)l), model.Conditions);
        var images = model.Decode(mu.expand(model.Conditions, -1), labels);
        return Png.Grid(cat([x, images], 0).ToFloats(), model.Conditions + 1, model.Conditions + 1, MnistData.Side, MnistData.Side, scale: 2);
    }
}
