using Vinula.Dashboard.Curves;

namespace Vinula.Dashboard.Tests;

/// <summary>The curve arithmetic behind every chart: debiased smoothing and min/max thinning.</summary>
public sealed class CurveMathTests
{
    [Fact]
    public void SmoothingIsADebiasedMovingAverage()
    {
        // By hand, w = 0.5: m1 = 0.5, m2 = 0.25 + 1 = 1.25, m3 = 0.625 + 1.5 = 2.125; debiased by 1 − 0.5^k.
        var smoothed = Smoothing.Ema([1, 2, 3], 0.5);
        Assert.Equal(1.0, smoothed[0], 12);
        Assert.Equal(1.25 / 0.75, smoothed[1], 12);
        Assert.Equal(2.125 / 0.875, smoothed[2], 12);
        // A constant stays itself from the first point (no climb from 0), and 0 smooths nothing.
        Assert.All(Smoothing.Ema([5, 5, 5, 5], 0.9), v => Assert.Equal(5.0, v, 12));
        Assert.Equal([3.0, 1.0], Smoothing.Ema([3, 1], 0));
    }

    [Fact]
    public void SmoothingStepsOverANaNWithoutPoisoningTheRest()
    {
        var smoothed = Smoothing.Ema([1, double.NaN, 1], 0.6);
        Assert.True(double.IsNaN(smoothed[1]));
        Assert.Equal(1.0, smoothed[2], 12);
    }

    [Fact]
    public void ThinningKeepsEveryExtremeAndTheEnds()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 1_000_000).Select(i => Math.Sin(i / 5000.0) + random.NextDouble() * 0.1).ToArray();
        values[123_457] = 40;   // a spike
        values[876_543] = -40;  // and a dip
        var kept = Downsampling.MinMax(values, 4000);

        Assert.True(kept.Length <= 4000, $"{kept.Length} points kept");
        Assert.Equal(0, kept[0]);
        Assert.Equal(values.Length - 1, kept[^1]);
        Assert.Contains(123_457, kept);
        Assert.Contains(876_543, kept);
        Assert.Equal(kept.Order(), kept); // in order: still a line
        // Every bucket's own extremes survive: the thinned curve spans the same range as the full one.
        Assert.Equal(values.Max(), kept.Max(i => values[i]));
        Assert.Equal(values.Min(), kept.Min(i => values[i]));
    }

    [Fact]
    public void AShortSeriesIsNotThinnedAndANaNIsKept()
    {
        Assert.Equal([0, 1, 2], Downsampling.MinMax([1.0, 2, 3], 10));
        var values = Enumerable.Repeat(1.0, 10_000).ToArray();
        values[5_000] = double.NaN;
        Assert.Contains(5_000, Downsampling.MinMax(values, 100));
    }

    [Theory]
    [InlineData("epoch", CurveAxis.Epoch)]
    [InlineData("model-step", CurveAxis.ModelStep)]
    [InlineData("STEP", CurveAxis.Step)]
    [InlineData("time", CurveAxis.WallTime)]
    [InlineData("relative", CurveAxis.RelativeTime)]
    public void EveryAxisHasAUrlName(string url, CurveAxis axis)
    {
        Assert.Equal(axis, CurveView.ParseAxis(url));
        Assert.Equal(axis, CurveView.ParseAxis(CurveView.UrlName(axis)));
    }

    [Theory]
    [InlineData("0.6", 0.6)]
    [InlineData("2", 0.99)]
    [InlineData("-1", 0.0)]
    [InlineData("NaN", 0.0)]
    [InlineData("abc", 0.0)]
    [InlineData(null, 0.0)]
    public void ASmoothingFromTheUrlIsClamped(string? url, double weight) => Assert.Equal(weight, CurveView.ParseSmoothing(url));
}
