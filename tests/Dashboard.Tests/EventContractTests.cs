using System.Text.Json;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Everything a run publishes is plain data: it round-trips through the hub's JSON unchanged, so an engine
/// in another process (a GPU worker) could stream the same events without changing a page.</summary>
public class EventContractTests
{
    private static readonly DateTime Time = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    public static TheoryData<RunEvent> Samples() =>
    [
        new RunStatusChanged("r", RunStatus.Paused, new RunProgress(0.5, 10, 20, 3.5), null),
        new RunProgressChanged("r", new RunProgress(0.25, 5, 20, null)),
        new RunMetadataChanged("r", "name", ["a", "b"], "notes", 200),
        new MetricsAppended("r", [new MetricPoint("d/loss", 7, 0.69, Time)]),
        new ArtifactAdded("r", "samples-s0000007.png", "image/png", 7, "samples"),
        new TextSamples("r", 7, ["the cat sat", "on the mat"]),
        new SweepPoint("r", 4, 2, 0.97),
        new PointAdded("r", "reward", 7, new Dictionary<string, double> { ["mean"] = 0.4 }),
        new LogAppended("r", new RunLogLine(Time, "hello")),
        new RunDeleted("r"),
    ];

    [Fact]
    public void EveryEventTypeHasASample()
    {
        var types = typeof(RunEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RunEvent)) && !t.IsAbstract);
        Assert.Equal(types.OrderBy(t => t.Name), Samples().Select(s => s.Data.GetType()).OrderBy(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void AnEventRoundTripsThroughTheHubsJson(RunEvent e)
    {
        var json = JsonSerializer.Serialize(e, e.GetType(), VinulaJson.Options);
        var back = (RunEvent)JsonSerializer.Deserialize(json, e.GetType(), VinulaJson.Options)!;
        // Records compare lists by reference: compare the JSON of the copy instead.
        Assert.Equal(json, JsonSerializer.Serialize(back, e.GetType(), VinulaJson.Options));
        Assert.Contains("\"runId\":\"r\"", json);
    }
}
