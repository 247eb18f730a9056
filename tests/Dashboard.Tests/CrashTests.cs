using System.Net;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Faults that lose nothing: the process killed mid-run, a database that cannot be opened.</summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _database = VinulaFactory.NewDatabasePath();

    [Fact]
    public async Task AKilledServerLeavesTheRunInterruptedWithItsMetricsAndItResumesWithoutGapsOrDuplicates()
    {
        string id;
        Dictionary<string, long[]> before;
        await using (var first = AppProcess.Start(_database))
        {
            await first.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            // 16 steps per epoch: past step 40 the checkpoint of epoch 2 exists.
            id = (await first.CreateAsync(ProcessRuns.LongDistill)).Id;
            await first.WaitForAsync(id, r => r.Progress.Step > 40);
            before = await first.StepsAsync(id);
            first.Kill(); // no shutdown code runs: the run is left 'running' in the database
        }

        await using var second = AppProcess.Start(_database);
        await second.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        var interrupted = await second.GetAsync(id);
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.Contains("Resume continues from the last checkpoint", interrupted.Error);
        var kept = await second.StepsAsync(id);
        ProcessRuns.AssertKept(before, kept);

        Assert.Equal(HttpStatusCode.Accepted, (await second.Http.PostAsync($"api/runs/{id}/resume", null)).StatusCode);
        var accuracyBefore = kept["teacher/test_accuracy"].Length;
        await second.WaitForAsync(id, r => r.Status == RunStatus.Running && r.Progress.Step > ProcessRuns.StepsPerEpoch * (accuracyBefore + 2));
        await second.Http.PostAsync($"api/runs/{id}/cancel", null);
        await second.WaitForAsync(id, r => r.Status.IsFinished(), seconds: 30);

        ProcessRuns.AssertEveryEpochOnce(await second.StepsAsync(id), accuracyBefore);
    }

    [Fact]
    public async Task ADatabaseThatCannotBeOpenedStopsStartUpWithAMessageNamingTheFile()
    {
        await File.WriteAllTextAsync(_database, string.Concat(Enumerable.Repeat("not a LiteDB file ", 2000)));
        await using var app = AppProcess.Start(_database);
        await app.AssertStopsWithMessageAsync($"Vinula could not start: The run database '{_database}' cannot be opened");
    }

    public void Dispose()
    {
        foreach (var file in new[] { _database, Path.ChangeExtension(_database, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }
}
