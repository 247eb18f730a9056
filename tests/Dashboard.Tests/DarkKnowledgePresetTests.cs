using System.Net.Http.Json;
using System.Text;
using Vinula.Engine.Experiments;
using Vinula.Engine.Experiments.Distill;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The dark-knowledge presets of distill and temperature-sweep (issue 11), dry-run through the HTTP API:
/// accepted as the New page sends them, trained, and stored with the omitted-digit and per-digit summary keys.</summary>
public class DarkKnowledgePresetTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    public static TheoryData<string, string> Presets => new()
    {
        { ExperimentKinds.Distill, DarkKnowledgePresets.NoThreesName },
        { ExperimentKinds.Distill, DarkKnowledgePresets.SmallTransferName },
        { ExperimentKinds.TemperatureSweep, DarkKnowledgePresets.NoThreesName },
        { ExperimentKinds.TemperatureSweep, DarkKnowledgePresets.SmallTransferName },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task EachDarkKnowledgePresetDryRunsThroughTheApi(string kind, string preset)
    {
        var definition = ExperimentCatalog.CreateDefault().Find(kind)!;
        var config = DryRun.Config(definition, epochs: 1, definition.Presets.Single(p => p.Name == preset).Config);
        config["trainSize"] = 600; // room for the 300-digit transfer set
        if (config["seeds"] is not null) config["seeds"] = new System.Text.Json.Nodes.JsonArray(1);

        var http = factory.CreateClient();
        var response = await http.PostAsync("/api/runs", new StringContent(
            $$"""{ "kind": "{{kind}}", "config": {{config.ToJsonString()}}, "tags": ["dry-run"] }""", Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;

        var run = await RunWaiter.WaitForAsync(factory.Services, created.Id, r => r.Status.IsFinished(), seconds: 180);

        Assert.True(run.Status == RunStatus.Completed, $"{kind} / {preset} ended {run.Status}: {run.Error}");
        Assert.All(run.Summary.Values, v => Assert.True(double.IsFinite(v)));
        Assert.Contains("teacher.test_accuracy@digit3", run.Summary.Keys);
        if (preset == DarkKnowledgePresets.NoThreesName)
            foreach (var key in new[] { "student.omitted_accuracy", "student.omitted_accuracy_corrected", "baseline.omitted_accuracy", "bias_correction" })
                Assert.Contains(key, run.Summary.Keys);
    }
}
