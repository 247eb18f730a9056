using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Dashboard.Runs;
using Vinula.Engine.Experiments;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>
/// Runs one after another leave nothing behind: the tensors each run's thread created and did not dispose
/// (<see cref="RunExecutor.TensorsLeftByRuns"/>, TorchSharp's per-thread dispose-scope statistics) stay where they
/// were once a first VAE and GAN have filled the process-wide caches. The leak test of the lifecycle covers epochs
/// within a run (Engine.Tests, <c>LeakTests</c>); this covers runs, through the real scheduler.
/// </summary>
public class RunMemoryTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    [Fact]
    public async Task ConsecutiveRunsLeaveTheLiveTensorCountWhereItWas()
    {
        var scheduler = factory.Services.GetRequiredService<RunExecutor>();
        await TrainAsync("vae", epochs: 1);
        await TrainAsync("gan", epochs: 1);
        var before = scheduler.TensorsLeftByRuns;

        var after = new List<long>();
        foreach (var (kind, epochs) in new[] { ("vae", 2), ("gan", 1), ("vae", 1), ("gan", 2) })
        {
            await TrainAsync(kind, epochs);
            after.Add(scheduler.TensorsLeftByRuns);
        }

        Assert.True(after.All(n => n == before), $"tensors left alive by runs: {before} after the warm-up, then {string.Join(", ", after)}");
    }

    private async Task TrainAsync(string kind, int epochs)
    {
        var http = factory.CreateClient();
        var config = DryRun.Config(ExperimentCatalog.CreateDefault().Find(kind)!, epochs);
        var response = await http.PostAsync("/api/runs", new StringContent(
            $$"""{ "kind": "{{kind}}", "config": {{config.ToJsonString()}} }""", Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;

        var run = await RunWaiter.WaitForAsync(factory.Services, created.Id, r => r.Status.IsFinished(), seconds: 180);
        Assert.True(run.Status == RunStatus.Completed, $"{kind} ended {run.Status}: {run.Error}");
        // The count is taken as the run's thread ends, just after its last status is stored.
        var scheduler = factory.Services.GetRequiredService<RunExecutor>();
        for (var i = 0; i < 200 && scheduler.IsRunning(run.Id); i++) await Task.Delay(25);
        Assert.False(scheduler.IsRunning(run.Id), "the run's thread did not end");
    }
}
