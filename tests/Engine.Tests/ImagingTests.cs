using SkiaSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Imaging;
using static TorchSharp.torch;

namespace Vinula.Engine.Tests;

public class ImagingTests
{
    public ImagingTests() => TestData.InitTorch();

    [Fact]
    public void AGridPngHasTheSizeOfItsCellsAndPadding()
    {
        var pixels = new float[6 * 28 * 28];
        var png = Png.Grid(pixels, count: 6, columns: 4, width: 28, height: 28, scale: 2, padding: 1);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((4 * 29 - 1) * 2, bitmap.Width);
        Assert.Equal((2 * 29 - 1) * 2, bitmap.Height);
    }

    [Fact]
    public void AGrayscalePngKeepsTheIntensities()
    {
        var pixels = Enumerable.Range(0, 16).Select(i => i / 15f).ToArray();
        using var bitmap = SKBitmap.Decode(Png.Grayscale(pixels, 4, 4));
        Assert.Equal(255, bitmap.GetPixel(3, 3).Red);
        Assert.Equal(0, bitmap.GetPixel(0, 0).Red);
        Assert.Equal(136, bitmap.GetPixel(0, 2).Red); // 8/15 of 255
    }

    [Fact]
    public void JitterShiftsEachDigitByWholePixelsWithinTheLimit()
    {
        using var scope = NewDisposeScope();
        var mnist = TestData.Datasets.Mnist;
        var rows = mnist.Train.Take(16).ToArray();
        var x = tensor(mnist.Gather(rows), [16, 784]);
        using var random = Training.Seeds.Generator(12);
        var shifted = Jitter.Shift(x, 28, 2, random);

        var original = x.view(16, 28, 28);
        var moved = shifted.view(16, 28, 28);
        var differing = 0;
        for (var i = 0; i < 16; i++)
        {
            var match = false;
            for (var dy = -2; dy <= 2 && !match; dy++)
            for (var dx = -2; dx <= 2 && !match; dx++)
                match = Shift(original[i], dx, dy).allclose(moved[i]);
            Assert.True(match, $"digit {i} is not a whole-pixel shift of at most 2");
            if (!moved[i].allclose(original[i])) differing++;
        }
        Assert.True(differing > 8); // most of 16 digits moved (each stays put with probability 1/25)
        Assert.True(Jitter.Shift(x, 28, 0, random).allclose(x));
    }

    /// <summary>The gather gives exactly the pixels the affine grid sample (nearest, zero padding) gave before it,
    /// for every whole-pixel shift, so runs draw and see the same images as they did.</summary>
    [Fact]
    public void JitterMatchesTheAffineGridSampleItReplaced()
    {
        using var scope = NewDisposeScope();
        using var random = Training.Seeds.Generator(4);
        var shifts = tensor(Enumerable.Range(-2, 5).SelectMany(x => Enumerable.Range(-2, 5).SelectMany(y => new long[] { x, y })).ToArray(), [25, 2]);
        var x = rand([25, 784], generator: random);

        var theta = zeros([25, 2, 3]);
        theta[TensorIndex.Colon, 0, 0] = tensor(1f);
        theta[TensorIndex.Colon, 1, 1] = tensor(1f);
        theta[TensorIndex.Colon, TensorIndex.Colon, 2] = shifts.to(ScalarType.Float32) * (2.0f / 28);
        var grid = nn.functional.affine_grid(theta, [25, 1, 28, 28], align_corners: false);
        var sampled = nn.functional.grid_sample(x.view(25, 1, 28, 28), grid, mode: GridSampleMode.Nearest,
            padding_mode: GridSamplePaddingMode.Zeros, align_corners: false).view(25, 784);

        Assert.True(Jitter.Apply(x, 28, shifts).eq(sampled).all().item<bool>());
    }

    /// <summary>The image moved right by dx and down by dy, zeros shifted in.</summary>
    private static Tensor Shift(Tensor image, int dx, int dy)
    {
        var result = zeros_like(image);
        int h = 28, w = 28;
        var src = image[TensorIndex.Slice(Math.Max(0, -dy), h - Math.Max(0, dy)), TensorIndex.Slice(Math.Max(0, -dx), w - Math.Max(0, dx))];
        result[TensorIndex.Slice(Math.Max(0, dy), h - Math.Max(0, -dy)), TensorIndex.Slice(Math.Max(0, dx), w - Math.Max(0, -dx))] = src;
        return result;
    }

    [Fact]
    public void TheDigitScorerRecognisesRealTestDigitsAndCountsTheirClasses()
    {
        var scorer = Analysis.DigitScorer.For(TestData.Datasets);
        Assert.True(scorer.TestAccuracy > 0.95, $"scorer test accuracy {scorer.TestAccuracy}");

        using var scope = NewDisposeScope();
        var mnist = TestData.Datasets.Mnist;
        var ones = mnist.Test.Where(i => mnist.Labels[i] == 1).Take(20).ToArray();
        var quality = scorer.Score(tensor(mnist.Gather(ones), [ones.Length, 784]));
        Assert.Equal(1, quality.ClassesCovered);
        Assert.True(quality.Histogram[1] == 20 && quality.MeanConfidence > 0.9);
        // Uniform grey is no digit: low confidence.
        Assert.True(scorer.Score(full([10, 784], 0.5f)).MeanConfidence < quality.MeanConfidence);
    }
}
