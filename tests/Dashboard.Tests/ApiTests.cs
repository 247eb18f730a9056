using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

public class ApiTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task<HttpResponseMessage> PostJson(string url, string json) =>
        _client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private Task<RunDto> WaitForAsync(string id, Func<RunDto, bool> done, int seconds = 120) =>
        RunWaiter.WaitForAsync(factory.Services, id, done, seconds);

    [Fact]
    public async Task HealthzAnswers200()
    {
        var response = await _client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ExperimentsListDistillWithDefaultsAndPresets()
    {
        var kinds = await _client.GetFromJsonAsync<List<ExperimentInfo>>("/api/experiments", VinulaJson.Options);
        var distill = Assert.Single(kinds!, k => k.Kind == "distill");
        Assert.Equal(4, distill.DefaultConfig.GetProperty("temperature").GetDouble());
        Assert.Contains(distill.Presets, p => p.Name == "Hinton MNIST KD" && p.Config.GetProperty("temperature").GetDouble() == 20);
    }

    [Fact]
    public async Task ADistillRunGoesFromPostToCompletedWithSummaryMetricsAndArtifacts()
    {
        var response = await PostJson("/api/runs", $$"""{ "kind": "distill", "name": "api run", "tags": ["ci"], "config": {{TinyRuns.DistillConfig}} }""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        Assert.Equal(response.Headers.Location!.ToString(), $"/api/runs/{created.Id}");
        Assert.Equal(0.9, created.Config.GetProperty("alpha").GetDouble()); // a default filled in

        var run = await WaitForAsync(created.Id, r => r.Status.IsFinished());

        Assert.True(run.Status == RunStatus.Completed, run.Error);
        Assert.InRange(run.Summary["teacher.test_accuracy"], 0.5, 1);
        Assert.InRange(run.Summary["student.test_accuracy"], 0.3, 1);
        Assert.True(run.Summary.ContainsKey("baseline.test_accuracy"));
        Assert.Equal(784 * 64 + 64 + 64 * 10 + 10, run.Summary["teacher.params"]);
        Assert.Equal(1, run.Progress.Fraction);
        Assert.NotNull(run.FinishedAt);
        Assert.Equal([RunStatus.Queued, RunStatus.Running, RunStatus.Completed], run.StatusHistory.Select(s => s.Status));

        var metrics = await Json(await _client.GetAsync($"/api/runs/{run.Id}/metrics"));
        var accuracy = metrics.GetProperty("series").GetProperty("student/test_accuracy");
        Assert.Equal(2, accuracy.GetArrayLength());
        Assert.True(accuracy[1][2].GetInt64() > 1_600_000_000_000); // unix ms

        var csv = await _client.GetStringAsync($"/api/runs/{run.Id}/metrics?format=csv");
        Assert.StartsWith("series,step,value,time\n", csv);
        Assert.Contains("\nteacher/test_accuracy,", csv);

        var artifacts = await _client.GetFromJsonAsync<List<ArtifactInfo>>($"/api/runs/{run.Id}/artifacts", VinulaJson.Options);
        Assert.Contains(artifacts!, a => a.Name == "logits-teacher.json" && a.Group == "logits");
        var logits = await _client.GetAsync($"/api/runs/{run.Id}/artifacts/logits-student.json");
        Assert.Equal("application/json", logits.Content.Headers.ContentType!.MediaType);

        var page = await _client.GetFromJsonAsync<RunPage>("/api/runs?status=completed&tag=ci&q=api", VinulaJson.Options);
        Assert.Contains(page!.Items, r => r.Id == run.Id);

        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostAsync($"/api/runs/{run.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/runs/{run.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/runs/{run.Id}")).StatusCode);
    }

    [Fact]
    public async Task ATemperatureSweepRunsThroughTheApiAndSummarisesPerTemperature()
    {
        var response = await PostJson("/api/runs", """
            { "kind": "temperature-sweep", "config": { "temperatures": [1, 4], "seeds": [1, 2], "epochs": 1, "trainSize": 300,
              "batchSize": 100, "teacher": { "model": "mlp", "hidden": [32], "epochs": null }, "student": { "hidden": [8] } } }
            """);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;

        var run = await WaitForAsync(created.Id, r => r.Status.IsFinished());

        Assert.True(run.Status == RunStatus.Completed, run.Error);
        foreach (var key in new[] { "student.test_accuracy@1", "student.test_accuracy@4", "student.test_accuracy_std@1", "baseline.test_accuracy", "best_temperature" })
            Assert.True(run.Summary.ContainsKey(key), key);
        Assert.Contains(run.Summary["best_temperature"], new[] { 1.0, 4.0 });
        var artifacts = await _client.GetFromJsonAsync<List<ArtifactInfo>>($"/api/runs/{run.Id}/artifacts", VinulaJson.Options);
        Assert.Contains(artifacts!, a => a.Name == "sweep.json");
        Assert.Contains(artifacts!, a => a.Name == "logits-student-t4-s2.json");
    }

    [Theory]
    [InlineData("pca", 16)]
    [InlineData("dense", 8)]
    [InlineData("conv", 49)]
    public async Task AnAutoencoderRunsThroughTheApiAndServesItsReconstructionGrids(string model, int latent)
    {
        var response = await PostJson("/api/runs", $$"""
            { "kind": "autoencoder", "config": { "model": "{{model}}", "latentDim": {{latent}}, "epochs": 1, "trainSize": 300, "hidden": [32], "channels": 4 } }
            """);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var run = await WaitForAsync((await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!.Id, r => r.Status.IsFinished());

        Assert.True(run.Status == RunStatus.Completed, run.Error);
        Assert.True(run.Summary["test.mse"] is > 0 and < 0.3);
        var grid = Assert.Single(await _client.GetFromJsonAsync<List<ArtifactInfo>>($"/api/runs/{run.Id}/artifacts", VinulaJson.Options) ?? [],
            a => a.Group == "reconstructions");
        var png = await _client.GetAsync($"/api/runs/{run.Id}/artifacts/{grid.Name}");
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, (await png.Content.ReadAsByteArrayAsync())[..4]);
    }

    [Theory]
    [InlineData("vae", "manifold", "manifold-e001.png,manifold-e002.png")]
    [InlineData("cvae", "style", "style-e001.png,style-e002.png")]
    public async Task AVaeRunsThroughTheApiWithItsElboAndPerEpochImages(string kind, string group, string names)
    {
        var response = await PostJson("/api/runs", $$"""{ "kind": "{{kind}}", "config": { "epochs": 2, "trainSize": 300, "hidden": [32] } }""");
        var run = await WaitForAsync((await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!.Id, r => r.Status.IsFinished());

        Assert.True(run.Status == RunStatus.Completed, run.Error);
        Assert.True(run.Summary["test.elbo"] < 0 && run.Summary["test.recon"] > 0 && run.Summary["test.kl"] >= 0);
        Assert.True(run.Summary.ContainsKey("active_units"));
        var artifacts = await _client.GetFromJsonAsync<List<ArtifactInfo>>($"/api/runs/{run.Id}/artifacts", VinulaJson.Options);
        Assert.Equal(names.Split(','), artifacts!.Where(a => a.Group == group).Select(a => a.Name));
    }

    [Theory]
    [InlineData("gan")]
    [InlineData("cgan")]
    [InlineData("vaegan")]
    public async Task AGanRunsThroughTheApiWithBothLossesAndSampleGrids(string kind)
    {
        var response = await PostJson("/api/runs", $$"""{ "kind": "{{kind}}", "config": { "epochs": 2, "trainSize": 300, "hidden": [32] } }""");
        var run = await WaitForAsync((await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!.Id, r => r.Status.IsFinished());

        Assert.True(run.Status == RunStatus.Completed, run.Error);
        Assert.True(kind == "vaegan" ? run.Summary.ContainsKey("test.mse") : run.Summary.ContainsKey("d.loss") && run.Summary.ContainsKey("g.loss"));
        var metrics = await _client.GetStringAsync($"/api/runs/{run.Id}/metrics?format=csv");
        Assert.Contains("\nd/loss,", metrics);
        Assert.Contains("\ng/loss,", metrics);
        var artifacts = await _client.GetFromJsonAsync<List<ArtifactInfo>>($"/api/runs/{run.Id}/artifacts", VinulaJson.Options);
        Assert.Equal(2, artifacts!.Count(a => a.Group == "samples"));
    }

    [Theory]
    [InlineData("""{ "kind": "gan", "config": { "discriminatorSteps": 0 } }""", "config.discriminatorSteps")]
    [InlineData("""{ "kind": "gan", "config": { "architecture": "resnet" } }""", "config.architecture")]
    [InlineData("""{ "kind": "cgan", "config": { "latentDim": -3 } }""", "config.latentDim")]
    [InlineData("""{ "kind": "vae", "config": { "latentDim": 0 } }""", "config.latentDim")]
    [InlineData("""{ "kind": "vae", "config": { "beta": -1 } }""", "config.beta")]
    [InlineData("""{ "kind": "autoencoder", "config": { "model": "conv", "latentDim": 16 } }""", "config.latentDim")]
    [InlineData("""{ "kind": "autoencoder", "config": { "model": "svd" } }""", "config.model")]
    [InlineData("""{ "kind": "distill", "config": { "temperature": 0 } }""", "config.temperature")]
    [InlineData("""{ "kind": "distill", "config": { "teacher": { "hidden": [0, 10] } } }""", "config.teacher.hidden[0]")]
    [InlineData("""{ "kind": "distill", "config": { "teacher": { "hidden": ["wide"] } } }""", "config.teacher.hidden[0]")]
    [InlineData("""{ "kind": "distill", "config": { "alpha": "high" } }""", "config.alpha")]
    [InlineData("""{ "kind": "distill", "config": { "temprature": 3 } }""", "config.temprature")]
    [InlineData("""{ "kind": "distill", "config": { "teacherRunId": "missing" } }""", "config.teacherRunId")]
    [InlineData("""{ "kind": "nope" }""", "kind")]
    [InlineData("""{ "kind": "distill", "tags": [""] }""", "tags[0]")]
    [InlineData("""{ "kind": "distill", "config": { "epochs": 1 """, "body")]
    [InlineData("""{ "kind": "distill", "confg": { "epochs": 1 } }""", "confg")]
    [InlineData("""{ "kind": "temperature-sweep", "config": { "temperatures": [] } }""", "config.temperatures")]
    [InlineData("""{ "kind": "temperature-sweep", "config": { "seeds": [3, 3] } }""", "config.seeds")]
    [InlineData("""[1, 2]""", "body")]
    public async Task BadInputIsA400NamingTheField(string body, string field)
    {
        var response = await PostJson("/api/runs", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
    }

    [Fact]
    public async Task LogitMatchingIgnoresTheTemperatureItDoesNotUse()
    {
        var response = await PostJson("/api/runs", $$"""{ "kind": "distill", "config": { "loss": "logit-mse", "temperature": 0, "epochs": 1, "trainSize": 100 } }""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        await _client.PostAsync($"/api/runs/{run.Id}/cancel", null);
        await WaitForAsync(run.Id, r => r.Status.IsFinished());
    }

    [Fact]
    public async Task ResumingARunWithoutACheckpointIsAConflict()
    {
        var response = await PostJson("/api/runs", """{ "kind": "distill", "config": { "epochs": 300, "trainSize": 2000, "teacher": { "model": "mlp", "hidden": [64], "epochs": null } } }""");
        var created = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        await WaitForAsync(created.Id, r => r.Status == RunStatus.Running);
        await _client.PostAsync($"/api/runs/{created.Id}/cancel", null); // within the first epoch: no checkpoint yet
        var cancelled = await WaitForAsync(created.Id, r => r.Status.IsFinished(), seconds: 30);
        if (cancelled.Progress.Step >= 16) return; // this machine was quicker than an epoch; nothing to test

        var resume = await _client.PostAsync($"/api/runs/{created.Id}/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Contains("no checkpoint", await resume.Content.ReadAsStringAsync());
        Assert.Contains("clone it", cancelled.Error);
    }

    [Fact]
    public async Task UnknownRunsAre404AndBadStatusFiltersAre400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/runs/none")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/runs/none/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync("/api/runs/none/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/api/runs?status=sleeping")).StatusCode);
    }

    [Fact]
    public async Task CancelStopsARunningRunAndResumeContinuesItFromItsCheckpoint()
    {
        // 16 steps per epoch: once past step 20 the first epoch's checkpoint exists.
        var response = await PostJson("/api/runs", """{ "kind": "distill", "config": { "epochs": 300, "trainSize": 2000, "teacher": { "model": "mlp", "hidden": [128], "epochs": null } } }""");
        var created = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        await WaitForAsync(created.Id, r => r.Status == RunStatus.Running && r.Progress.Step > 20);

        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/api/runs/{created.Id}/cancel", null)).StatusCode);
        var cancelled = await WaitForAsync(created.Id, r => r.Status.IsFinished(), seconds: 30);
        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        Assert.True(cancelled.Progress.Fraction < 0.5);
        var teacherPoints = (await Json(await _client.GetAsync($"/api/runs/{created.Id}/metrics")))
            .GetProperty("series").GetProperty("teacher/test_accuracy").GetArrayLength();

        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/api/runs/{created.Id}/resume", null)).StatusCode);
        var resumed = await WaitForAsync(created.Id, r => r.Status == RunStatus.Running && r.Progress.Step > cancelled.Progress.Step);
        Assert.Equal(RunStatus.Running, resumed.Status);
        Assert.Contains(resumed.StatusHistory, s => s.Reason == "resumed");

        await _client.PostAsync($"/api/runs/{created.Id}/cancel", null);
        await WaitForAsync(created.Id, r => r.Status.IsFinished(), seconds: 30);
        var steps = (await Json(await _client.GetAsync($"/api/runs/{created.Id}/metrics")))
            .GetProperty("series").GetProperty("teacher/test_accuracy").EnumerateArray().Select(p => p[0].GetInt64()).ToList();
        Assert.True(steps.Count > teacherPoints); // epochs were added after the resume
        Assert.Equal(steps.Distinct().Count(), steps.Count); // no epoch reported twice across the resume
    }

    [Fact]
    public async Task PatchRenamesAndRetagsAndRefusesEmptyNamesAndNulCharacters()
    {
        var created = (await (await PostJson("/api/runs", $$"""{ "kind": "distill", "config": {{TinyRuns.DistillConfig}} }""")).Content
            .ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        var patched = await _client.PatchAsync($"/api/runs/{created.Id}",
            new StringContent("""{ "name": "renamed", "tags": ["a", "b"], "notes": "hello" }""", Encoding.UTF8, "application/json"));
        var run = (await patched.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        Assert.Equal(("renamed", "hello"), (run.Name, run.Notes));
        Assert.Equal(["a", "b"], run.Tags);

        var bad = await _client.PatchAsync($"/api/runs/{created.Id}", new StringContent("""{ "name": " " }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        // U+0000, which a team's PostgreSQL cannot store, is refused at the field in either mode.
        var nul = await _client.PatchAsync($"/api/runs/{created.Id}", new StringContent("""{ "notes": "a\u0000b", "tags": ["x\u0000"] }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        var errors = (await Json(nul)).GetProperty("errors");
        Assert.Contains("U+0000", errors.GetProperty("notes")[0].GetString());
        Assert.Contains("U+0000", errors.GetProperty("tags[0]")[0].GetString());
        await WaitForAsync(created.Id, r => r.Status.IsFinished());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheRunsApi()
    {
        var doc = await Json(await _client.GetAsync("/openapi/v1.json"));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/runs/{id}/metrics", out _));
        Assert.Equal("Vinula API", doc.GetProperty("info").GetProperty("title").GetString());
    }
}
