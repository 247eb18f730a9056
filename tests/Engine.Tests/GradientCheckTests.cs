using Vinula.Engine.Analysis;
using Vinula.Shared.Artifacts;
using static TorchSharp.torch;

namespace Vinula.Engine.Tests;

/// <summary>Hinton et al. 2015, §2.1, on numbers: the exact gradient of the soft cross-entropy, and its high-T limit.</summary>
public class GradientCheckTests
{
    public GradientCheckTests() => TestData.InitTorch();

    private static (float[] Student, float[] Teacher) Logits(int rows, double studentShift, double teacherShift)
    {
        var g = new TorchSharp.torch.Generator(11);
        var z = (randn([rows, 10], generator: g) * 2 + studentShift).data<float>().ToArray();
        var v = (randn([rows, 10], generator: g) * 2 + teacherShift).data<float>().ToArray();
        return (z, v);
    }

    [Fact]
    public void AutogradEqualsQMinusPOverTToTwelveDigits()
    {
        var (z, v) = Logits(32, 0, 0);
        var points = GradientCheck.Run(z, v, 10, [0.5, 1, 4, 20, 100]);
        Assert.All(points, p => Assert.True(p.ClosedFormMax < 1e-12, $"T={p.Temperature}: {p.ClosedFormMax}"));
    }

    [Fact]
    public void TheHighTemperatureApproximationImprovesAsOneOverTOnCentredLogits()
    {
        var (z, v) = Logits(32, 3, -2); // offsets the centring removes
        var points = GradientCheck.Run(z, v, 10, [10, 100, 1000], centre: true);
        var ratio10 = points[0].ApproxMedian / points[1].ApproxMedian;
        var ratio100 = points[1].ApproxMedian / points[2].ApproxMedian;
        Assert.InRange(ratio10, 5, 20);  // 10× the temperature, ~10× smaller error
        Assert.InRange(ratio100, 5, 20);
        Assert.True(points[2].ApproxMax < 0.01);
    }

    [Fact]
    public void WithoutCentringTheApproximationDoesNotConverge()
    {
        var (z, v) = Logits(32, 3, -2);
        var points = GradientCheck.Run(z, v, 10, [10, 100, 1000], centre: false);
        Assert.True(points[2].ApproxMedian > 0.5, $"{points[2].ApproxMedian}");
        Assert.InRange(points[1].ApproxMedian / points[2].ApproxMedian, 0.5, 2); // flat, not falling as 1/T
    }

    [Fact]
    public void EntropyOfTheSoftenedDistributionRisesWithTAndTendsToLogN()
    {
        float[] logits = [9, 2, 1, 0.5f, 0, 0, -1, -2, -3, -4];
        var temperatures = new[] { 0.5, 1, 2, 4, 8, 16, 50, 1000 };
        var entropies = temperatures.Select(t => SoftTargetMath.Entropy(SoftTargetMath.Soften(logits, t))).ToList();
        Assert.True(entropies.Zip(entropies.Skip(1)).All(pair => pair.First < pair.Second));
        Assert.Equal(Math.Log(10), entropies[^1], 3);
        Assert.Equal(1.0, SoftTargetMath.Soften(logits, 3).Sum(), 12);
    }
}
