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
        var x = Pair(mnist, rowA, rowB);
        var t = Times(Steps);
        var pixels = x[0] * (1 - t) + x[1] * t;
        var latent = LatentPath(model, mnist, rowA, rowB, t);
        return Png.Grid(cat([pixels, latent], 0).ToFloats(), 2 * Steps, Steps, MnistData.Side, MnistData.Side, scale: 2);
    }

    /// <summary>The latent path alone as <paramref name="steps"/> separate PNGs, frame k at t = k / (steps − 1), so a
    /// slider can show any t without asking the model again. Call inside a dispose scope under no_grad.</summary>
    public static IReadOnlyList<byte[]> LatentFrames(LatentModel model, MnistData mnist, int rowA, int rowB, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        var pixels = LatentPath(model, mnist, rowA, rowB, Times(steps)).ToFloats();
        return [.. Enumerable.Range(0, steps).Select(k => Png.Grayscale(pixels.AsSpan(k * MnistData.Pixels, MnistData.Pixels), MnistData.Side, MnistData.Side, scale: 2))];
    }

    /// <summary>The pixel cross-fade (1 − t)·x_a + t·x_b as <paramref name="steps"/> PNGs; plain arithmetic, no model.</summary>
    public static IReadOnlyList<byte[]> CrossFadeFrames(MnistData mnist, int rowA, int rowB, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        var a = mnist.Image(mnist.Test[rowA]);
        var b = mnist.Image(mnist.Test[rowB]);
        var frame = new float[MnistData.Pixels];
        var frames = new byte[steps][];
        for (var k = 0; k < steps; k++)
        {
            var t = (float)k / (steps - 1);
            for (var i = 0; i < frame.Length; i++) frame[i] = (1 - t) * a[i] + t * b[i];
            frames[k] = Png.Grayscale(frame, MnistData.Side, MnistData.Side, scale: 2);
        }
        return frames;
    }

    /// <summary>The two test digits as the rows of [2, 784].</summary>
    private static Tensor Pair(MnistData mnist, int rowA, int rowB) =>
        tensor(mnist.Gather([mnist.Test[rowA], mnist.Test[rowB]]), [2, MnistData.Pixels]);

    /// <summary>t = 0 … 1 in <paramref name="steps"/> equal steps, as a column [steps, 1].</summary>
    private static Tensor Times(int steps) => linspace(0, 1, steps).unsqueeze(1);

    /// <summary>decode((1 − t)·z_a + t·z_b) for each t, float32 [steps, 784].</summary>
    private static Tensor LatentPath(LatentModel model, MnistData mnist, int rowA, int rowB, Tensor t)
    {
        var x = Pair(mnist, rowA, rowB);
        // A cVAE's condition moves along the path too (a mix of the two one-hot labels), with the style.
        var y = model.Conditions > 0 ? OneHot([mnist.Labels[mnist.Test[rowA]], mnist.Labels[mnist.Test[rowB]]], model.Conditions) : null;
        var z = model.Encode(x, y);
        var path = z[0] * (1 - t.to(z.dtype)) + z[1] * t.to(z.dtype);
        return model.Decode(path, y is null ? null : y[0] * (1 - t) + y[1] * t).to(ScalarType.Float32);
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
