using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>Runs of an app started as a child process (<see cref="AppProcess"/>), through its HTTP API, and the
/// checks the crash and team tests share.</summary>
public static class ProcessRuns
{
    /// <summary>A long distillation (16 steps an epoch: 2,000 digits in batches of 128; 300 epochs, longer than any
    /// test lets it train) whose teacher is a small MLP, so its epochs take milliseconds.</summary>
    public const string LongDistill =
        """{ "kind": "distill", "config": { "epochs": 300, "trainSize": 2000, "trainBaseline": false, "teacher": { "model": "mlp", "hidden": [64], "epochs": null } } }""";

    public const int StepsPerEpoch = 16;

    public static async Task<RunDto> CreateAsync(this AppProcess app, string body)
    {
        var response = await app.Http.PostAsync("api/runs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
    }

    public static async Task<RunDto> GetAsync(this AppProcess app, string id) =>
        (await app.Http.GetFromJsonAsync<RunDto>($"api/runs/{id}", VinulaJson.Options))!;

    /// <summary>Polls the run until <paramref name="done"/>; fails naming where it stayed.</summary>
    public static async Task<RunDto> WaitForAsync(this AppProcess app, string id, Func<RunDto, bool> done, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var run = await app.GetAsync(id);
            if (done(run)) return run;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Run {id} stayed {run.Status} (step {run.Progress.Step}, worker {run.Worker}): {run.Error}");
            await Task.Delay(200);
        }
    }

    /// <summary>The steps of every stored series of the run.</summary>
    public static async Task<Dictionary<string, long[]>> StepsAsync(this AppProcess app, string id)
    {
        var doc = JsonDocument.Parse(await app.Http.GetStringAsync($"api/runs/{id}/metrics"));
        return doc.RootElement.GetProperty("series").EnumerateObject()
            .ToDictionary(s => s.Name, s => s.Value.EnumerateArray().Select(p => p[0].GetInt64()).ToArray());
    }

    /// <summary>Every point stored before is still there (and any written after).</summary>
    public static void AssertKept(Dictionary<string, long[]> before, Dictionary<string, long[]> after)
    {
        foreach (var (series, steps) in before)
            Assert.Equal(steps, after[series].Take(steps.Length));
    }

    /// <summary>A resumed <see cref="LongDistill"/> run: one test accuracy an epoch, past <paramref name="epochsBefore"/>,
    /// with no gap and no duplicate, and no series repeating or reordering a step.</summary>
    public static void AssertEveryEpochOnce(Dictionary<string, long[]> after, int epochsBefore)
    {
        var epochs = after["teacher/test_accuracy"];
        Assert.True(epochs.Length > epochsBefore);
        Assert.Equal(Enumerable.Range(1, epochs.Length).Select(e => (long)StepsPerEpoch * e), epochs);
        foreach (var (series, steps) in after)
            Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First < p.Second), $"{series} repeats or reorders a step");
    }

    /// <summary>The app stops by itself, exit code 1, with a message holding each of <paramref name="expected"/>
    /// and no stack trace.</summary>
    public static async Task AssertStopsWithMessageAsync(this AppProcess app, params string[] expected)
    {
        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"It kept running:\n{app.Output}");
        Assert.Equal(1, app.ExitCode);
        foreach (var text in expected) Assert.Contains(text, app.Output);
        Assert.DoesNotContain("   at ", app.Output);
    }
}
