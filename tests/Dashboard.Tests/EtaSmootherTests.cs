using Vinula.Dashboard.Components.Live;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The ETA beside a running run: none until it is stable, then steady through the engine's jumps.</summary>
public sealed class EtaSmootherTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void NoEstimateIsShownUntilAFewSecondsOfStepsHaveBeenSeen()
    {
        var smoother = new EtaSmoother();
        for (var i = 1; i <= 10; i++)
            Assert.Null(smoother.Update(new RunProgress(i / 100.0, i, 100, 60), T0.AddSeconds(i * 0.2)));

        Assert.NotNull(smoother.Update(new RunProgress(0.3, 30, 100, 60), T0.AddSeconds(6)));
    }

    [Fact]
    public void TheEngineJumpingBetweenEstimatesMovesTheShownOneOnlyALittle()
    {
        // What the issue saw within 15 s: 3 min → 5 min → 54 s → 2 min.
        var raw = new double[] { 180, 180, 180, 180, 180, 180, 300, 54, 120, 120 };
        var smoother = new EtaSmoother();
        var shown = new List<double>();
        for (var i = 0; i < raw.Length; i++)
            if (smoother.Update(new RunProgress(i / 20.0, i + 1, 100, raw[i]), T0.AddSeconds(1.5 * i)) is { } eta)
                shown.Add(eta);

        Assert.NotEmpty(shown);
        // Every shown value is within 30 % of the one before (plus the 1.5 s that passed): no jump.
        for (var i = 1; i < shown.Count; i++)
            Assert.InRange(shown[i], shown[i - 1] * 0.7, shown[i - 1] * 1.3);
    }
}
