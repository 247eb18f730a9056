using System.Net.Http.Json;
using System.Text;
using Vinula.Runs.Storage;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Runs outlive the server: a new process on the same database sees them, and a run the old process
/// was training is shown as interrupted, not running for ever.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _database = VinulaFactory.NewDatabasePath();

    [Fact]
    public async Task ACompletedRunWithItsMetricsIsStillThereAfterARestart()
    {
        RunDto finished;
        int points;
        await using (var first = VinulaFactory.OnDatabase(_database))
        {
            var client = first.CreateClient();
            var response = await client.PostAsync("/api/runs",
                new StringContent($$"""{ "kind": "distill", "config": {{TinyRuns.DistillConfig}} }""", Encoding.UTF8, "application/json"));
            var id = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!.Id;
            finished = await RunWaiter.WaitForAsync(first.Services, id, r => r.Status.IsFinished());
            points = (await client.GetStringAsync($"/api/runs/{id}/metrics?format=csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        }

        await using var second = VinulaFactory.OnDatabase(_database);
        var again = second.CreateClient();
        var run = (await again.GetFromJsonAsync<RunDto>($"/api/runs/{finished.Id}", VinulaJson.Options))!;
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(finished.Summary, run.Summary);
        Assert.Equal(points, (await again.GetStringAsync($"/api/runs/{finished.Id}/metrics?format=csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(points > 20);
    }

    [Fact]
    public async Task ARunLeftRunningByADeadProcessBecomesInterrupted()
    {
        using (var store = new LiteRunStore(_database))
        {
            var run = new RunDocument { Id = "crashed", Name = "crashed", Kind = "distill", ConfigJson = "{}", CreatedAt = DateTime.UtcNow };
            run.SetStatus(RunStatus.Queued, DateTime.UtcNow);
            run.SetStatus(RunStatus.Running, DateTime.UtcNow);
            store.Insert(run);
        }

        await using var factory = VinulaFactory.OnDatabase(_database);
        factory.CreateClient(); // starts the app, whose scheduler recovers the store
        var seen = await RunWaiter.WaitForAsync(factory.Services, "crashed", r => r.Status == RunStatus.Interrupted, seconds: 30);

        Assert.Equal(RunStatus.Interrupted, seen!.Status);
        Assert.Contains("no checkpoint", seen.Error); // it never finished an epoch; the message says to start again
    }

    public void Dispose()
    {
        foreach (var file in new[] { _database, Path.ChangeExtension(_database, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }
}
