using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The masked-LM task through the HTTP API: a tiny run, then a second run that reuses its teacher
/// (<c>teacherRunId</c>) and so trains no teacher, scores the very same teacher, and stores that teacher's architecture.</summary>
public class MlmApiTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    private const string Tiny = """
        "task": "mlm", "epochs": 1, "trainSize": 90, "batchSize": 30, "passageTokens": 24, "vocabularySize": 300,
        "teacher": { "layers": 2, "dim": 16, "heads": 2, "feedForward": 32, "epochs": 1 }
        """;

    private async Task<RunDto> RunAsync(HttpClient http, string config)
    {
        var response = await http.PostAsync("/api/runs", new StringContent(
            $$"""{ "kind": "text-distill", "config": { {{config}} } }""", Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        var run = await RunWaiter.WaitForAsync(factory.Services, created.Id, r => r.Status.IsFinished(), seconds: 180);
        Assert.True(run.Status == RunStatus.Completed, $"ended {run.Status}: {run.Error}");
        return run;
    }

    [Fact]
    public async Task ASecondRunReusesTheFirstRunsTeacherInsteadOfPretrainingOne()
    {
        var http = factory.CreateClient();
        var first = await RunAsync(http, Tiny);
        Assert.InRange(first.Summary["student.test_accuracy"], 0, 1);
        Assert.True(first.Summary["student.params"] < first.Summary["teacher.params"]);

        // Different teacher fields in the request: the reused run's teacher replaces them.
        var second = await RunAsync(http, Tiny.Replace("\"dim\": 16", "\"dim\": 32") + $", \"teacherRunId\": \"{first.Id}\"");
        Assert.Equal(16, second.Config.GetProperty("teacher").GetProperty("dim").GetInt32());
        Assert.Equal(first.Summary["teacher.test_accuracy"], second.Summary["teacher.test_accuracy"]);
        var series = JsonDocument.Parse(await http.GetStringAsync($"/api/runs/{second.Id}/metrics")).RootElement.GetProperty("series");
        Assert.False(series.TryGetProperty("teacher/train_loss", out _), "the reused teacher trained");
        Assert.True(series.TryGetProperty("student/soft_loss", out _));
    }

    [Fact]
    public async Task AReusedTeacherMustExistAndTheErrorNamesTheField()
    {
        var http = factory.CreateClient();
        var response = await http.PostAsync("/api/runs", new StringContent(
            $$"""{ "kind": "text-distill", "config": { {{Tiny}}, "teacherRunId": "no-such-run" } }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("No run 'no-such-run'", errors.GetProperty("config.teacherRunId")[0].GetString());
    }
}
