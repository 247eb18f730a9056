using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Runs.Storage;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>What a shared link's first HTML says before the circuit connects, and long curves through the API.</summary>
public sealed class SharedViewTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private IRunStore Store => factory.Services.GetRequiredService<IRunStore>();

    private string Finished(string name, double accuracy, string notes = "")
    {
        var id = RunIds.New();
        var run = new RunDocument
        {
            Id = id, Name = name, Kind = "distill", CreatedAt = DateTime.UtcNow, ConfigJson = """{ "temperature": 4 }""", Notes = notes,
            Summary = new() { ["student.test_accuracy"] = accuracy, ["teacher.test_accuracy"] = 0.98 },
        };
        run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
        run.SetStatus(RunStatus.Running, DateTime.UtcNow);
        run.SetStatus(RunStatus.Completed, DateTime.UtcNow);
        Store.Insert(run);
        return id;
    }

    [Fact]
    public async Task ARunsLinkNamesItAndItsNumbersBeforeTheCircuitConnects()
    {
        var id = Finished("warm student <b>", 0.9712, notes: "T = 4 beat T = 1");
        var html = await _client.GetStringAsync($"/runs/{id}");

        Assert.Contains("warm student &lt;b&gt;", html); // the name, as text
        Assert.Contains("97.12", html);              // the headline number
        Assert.Contains("T = 4 beat T = 1", html);
        Assert.Contains("data-testid=\"run-headline\"", html);
    }

    [Fact]
    public async Task ACompareLinkNamesEveryRunAndItsSummaryBeforeTheCircuitConnects()
    {
        var a = Finished("cold", 0.9501);
        var b = Finished("hot", 0.9623);
        var html = await _client.GetStringAsync($"/compare?runs={a},{b}&metric=student/test_accuracy");

        Assert.Contains(">cold<", html);
        Assert.Contains(">hot<", html);
        Assert.Contains("96.23", html);
        Assert.Contains("data-testid=\"summary-table\"", html);
    }

    [Fact]
    public async Task TheRunsListIsPrerenderedButAFormIsNot()
    {
        var id = Finished("listed <i>", 0.5);
        var html = await _client.GetStringAsync($"/?q={id}");
        Assert.Contains("listed &lt;i&gt;", html); // the first HTML has the rows
        var form = await _client.GetStringAsync("/new/distill");
        Assert.DoesNotContain("data-testid=\"epochs\"", form); // typed before the circuit connects, it would be lost
    }

    [Fact]
    public async Task ALongCurveIsThinnedOnTheServerKeepingItsExtremes()
    {
        var id = Finished("long", 0.5);
        var start = DateTime.UtcNow;
        var points = Enumerable.Range(1, 20_000).Select(i => new MetricPoint("student/train_loss", i, i == 12_345 ? 99 : 1.0 / i, start)).ToList();
        Store.AppendMetrics(id, points);

        var body = JsonDocument.Parse(await _client.GetStringAsync($"/api/runs/{id}/metrics?maxPoints=200")).RootElement;
        var kept = body.GetProperty("series").GetProperty("student/train_loss").EnumerateArray().Select(p => (Step: p[0].GetInt64(), Value: p[1].GetDouble())).ToList();
        Assert.InRange(kept.Count, 100, 200);
        Assert.Equal(1, kept[0].Step);
        Assert.Equal(20_000, kept[^1].Step);
        Assert.Contains(kept, p => p.Step == 12_345 && p.Value == 99);
        Assert.Equal(kept.Select(p => p.Step).Order(), kept.Select(p => p.Step));

        var refused = await _client.GetAsync($"/api/runs/{id}/metrics?maxPoints=2");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("maxPoints", await refused.Content.ReadAsStringAsync());
    }
}
