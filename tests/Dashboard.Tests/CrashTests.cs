using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Faults that lose nothing: the process killed mid-run, a database that cannot be opened.</summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _database = VinulaFactory.NewDatabasePath();

    private static async Task<RunDto> WaitForAsync(HttpClient http, string id, Func<RunDto, bool> done, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var run = (await http.GetFromJsonAsync<RunDto>($"api/runs/{id}", VinulaJson.Options))!;
            if (done(run) || DateTime.UtcNow > deadline) return run;
            await Task.Delay(200);
        }
    }

    private static async Task<Dictionary<string, long[]>> StepsAsync(HttpClient http, string id)
    {
        var doc = JsonDocument.Parse(await http.GetStringAsync($"api/runs/{id}/metrics"));
        return doc.RootElement.GetProperty("series").EnumerateObject()
            .ToDictionary(s => s.Name, s => s.Value.EnumerateArray().Select(p => p[0].GetInt64()).ToArray());
    }

    [Fact]
    public async Task AKilledServerLeavesTheRunInterruptedWithItsMetricsAndItResumesWithoutGapsOrDuplicates()
    {
        string id;
        Dictionary<string, long[]> before;
        await using (var first = AppProcess.Start(_database))
        {
            await first.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            // 16 steps per epoch: past step 40 the checkpoint of epoch 2 exists.
            var response = await first.Http.PostAsync("api/runs", new StringContent(
                """{ "kind": "distill", "config": { "epochs": 300, "trainSize": 2000, "trainBaseline": false, "teacher": { "model": "mlp", "hidden": [64], "epochs": null } } }""",
                Encoding.UTF8, "application/json"));
            id = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!.Id;
            await WaitForAsync(first.Http, id, r => r.Progress.Step > 40);
            before = await StepsAsync(first.Http, id);
            first.Kill(); // no shutdown code runs: the run is left 'running' in the database
        }

        await using var second = AppProcess.Start(_database);
        await second.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        var interrupted = (await second.Http.GetFromJsonAsync<RunDto>($"api/runs/{id}", VinulaJson.Options))!;
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.Contains("Resume continues from the last checkpoint", interrupted.Error);
        var kept = await StepsAsync(second.Http, id);
        foreach (var (series, steps) in before) // every point seen before the crash is still there (and any written after)
            Assert.Equal(steps, kept[series].Take(steps.Length));

        Assert.Equal(HttpStatusCode.Accepted, (await second.Http.PostAsync($"api/runs/{id}/resume", null)).StatusCode);
        var accuracyBefore = kept["teacher/test_accuracy"].Length;
        await WaitForAsync(second.Http, id, r => r.Status == RunStatus.Running && r.Progress.Step > 16 * (accuracyBefore + 2));
        await second.Http.PostAsync($"api/runs/{id}/cancel", null);
        await WaitForAsync(second.Http, id, r => r.Status.IsFinished(), seconds: 30);

        var after = await StepsAsync(second.Http, id);
        var epochs = after["teacher/test_accuracy"];
        Assert.True(epochs.Length > accuracyBefore);
        Assert.Equal(Enumerable.Range(1, epochs.Length).Select(e => 16L * e), epochs); // one point per epoch: no gap, no duplicate
        foreach (var (series, steps) in after)
            Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First < p.Second), $"{series} repeats or reorders a step");
    }

    [Fact]
    public async Task ADatabaseThatCannotBeOpenedStopsStartUpWithAMessageNamingTheFile()
    {
        await File.WriteAllTextAsync(_database, string.Concat(Enumerable.Repeat("not a LiteDB file ", 2000)));
        await using var app = AppProcess.Start(_database);

        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(60)), "The app kept running on a broken database.");
        Assert.Equal(1, app.ExitCode);
        Assert.Contains($"Vinula could not start: The run database '{_database}' cannot be opened", app.Output);
        Assert.DoesNotContain("   at ", app.Output); // a message, not a stack trace
    }

    public void Dispose()
    {
        foreach (var file in new[] { _database, Path.ChangeExtension(_database, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }
}
