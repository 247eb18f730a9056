using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vinula.Engine.Experiments;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>
/// Every kind the engine registers, dry-run through the HTTP API end to end: validated, queued, trained, stored
/// with a summary, curves and a log. A theory over the catalog, so a new kind is covered by registering it.
/// </summary>
public class CatalogDryRunTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    public static TheoryData<string> Kinds => [.. ExperimentCatalog.CreateDefault().All.Select(d => d.Kind)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task EveryRegisteredKindDryRunsThroughTheApi(string kind)
    {
        var http = factory.CreateClient();
        var config = DryRun.Config(ExperimentCatalog.CreateDefault().Find(kind)!);
        var response = await http.PostAsync("/api/runs", new StringContent(
            $$"""{ "kind": "{{kind}}", "config": {{config.ToJsonString()}}, "tags": ["dry-run"] }""", Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;

        var run = await RunWaiter.WaitForAsync(factory.Services, created.Id, r => r.Status.IsFinished(), seconds: 180);

        Assert.True(run.Status == RunStatus.Completed, $"{kind} ended {run.Status}: {run.Error}");
        Assert.Equal(1, run.Progress.Fraction);
        Assert.NotEmpty(run.Summary);
        Assert.All(run.Summary.Values, v => Assert.True(double.IsFinite(v), $"{kind}: a summary value is {v}"));
        var series = JsonDocument.Parse(await http.GetStringAsync($"/api/runs/{run.Id}/metrics")).RootElement.GetProperty("series");
        Assert.NotEmpty(series.EnumerateObject());
        Assert.NotEmpty(await http.GetFromJsonAsync<List<RunLogLine>>($"/api/runs/{run.Id}/logs", VinulaJson.Options) ?? []);
        Assert.Equal([RunStatus.Queued, RunStatus.Running, RunStatus.Completed], run.StatusHistory.Select(h => h.Status));
    }
}
