using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Dashboard.Exports;
using Vinula.Runs.Storage;
using Vinula.Engine.Data;
using Vinula.Engine.Models;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Runs;
using static TorchSharp.torch;

namespace Vinula.Dashboard.Tests;

/// <summary>One finished tiny distill run (teacher 784-64-10, student 784-16-10, baseline) that every export test reads.</summary>
public sealed class ExportedRun : IAsyncLifetime
{
    public VinulaFactory Factory { get; } = new();
    public HttpClient Client { get; private set; } = null!;
    public RunDto Run { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Client = Factory.CreateClient();
        var response = await Client.PostAsync("/api/runs", new StringContent(
            $$"""{ "kind": "distill", "name": "Export me: T=4 α=0.9", "tags": ["exports"], "config": {{TinyRuns.DistillConfig}} }""",
            Encoding.UTF8, "application/json"));
        var created = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        Run = await RunWaiter.WaitForAsync(Factory.Services, created.Id, r => r.Status.IsFinished());
        Assert.True(Run.Status == RunStatus.Completed, Run.Error);
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class ExportsApiTests(ExportedRun exported) : IClassFixture<ExportedRun>
{
    private readonly HttpClient _client = exported.Client;
    private string Id => exported.Run.Id;
    private string Export(string path) => $"/api/runs/{Id}/export{path}";

    private async Task<byte[]> DownloadAsync(string url, string expectedFileName)
    {
        var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(expectedFileName, response.Content.Headers.ContentDisposition.FileName?.Trim('"'));
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<int> MetricPointCountAsync()
    {
        var metrics = JsonDocument.Parse(await _client.GetStringAsync($"/api/runs/{Id}/metrics")).RootElement.GetProperty("series");
        return metrics.EnumerateObject().Sum(s => s.Value.GetArrayLength());
    }

    [Fact]
    public void FileNamesSlugTheRunName()
    {
        Assert.Equal("export-me-t-4-0-9", ExportNames.Slug("Export me: T=4 α=0.9"));
        Assert.Equal("run", ExportNames.Slug("ααα"));
    }

    [Fact]
    public async Task MetricsCsvHasTheLongFormColumnsAndOneRowPerMetricPoint()
    {
        var csv = Encoding.UTF8.GetString(await DownloadAsync(Export("/metrics.csv"), $"export-me-t-4-0-9-{Id}-metrics.csv"));
        var rows = csv.TrimEnd('\n').Split('\n');

        Assert.Equal("series,step,value,time", rows[0]);
        Assert.Equal(await MetricPointCountAsync(), rows.Length - 1);
        Assert.All(rows.Skip(1), row =>
        {
            var cells = row.Split(',');
            Assert.Equal(4, cells.Length);
            Assert.True(long.TryParse(cells[1], out _), row);
            Assert.True(double.TryParse(cells[2], System.Globalization.CultureInfo.InvariantCulture, out _), row);
            Assert.EndsWith("Z", cells[3]);
        });
        Assert.Contains(rows, r => r.StartsWith("student/test_accuracy,"));
    }

    [Fact]
    public async Task MetricsJsonNamesTheRunAndHoldsEveryPoint()
    {
        var json = JsonDocument.Parse(await DownloadAsync(Export("/metrics.json"), $"export-me-t-4-0-9-{Id}-metrics.json")).RootElement;

        Assert.Equal(Id, json.GetProperty("id").GetString());
        Assert.Equal("distill", json.GetProperty("kind").GetString());
        Assert.Equal(exported.Run.Name, json.GetProperty("name").GetString());
        var series = json.GetProperty("series");
        Assert.Equal(await MetricPointCountAsync(), series.EnumerateObject().Sum(s => s.Value.GetArrayLength()));
        Assert.Equal(2, series.GetProperty("student/test_accuracy").GetArrayLength()); // two epochs
    }

    [Fact]
    public async Task ConfigJsonPostedBackQueuesTheSameRun()
    {
        var body = await DownloadAsync(Export("/config.json"), $"export-me-t-4-0-9-{Id}-config.json");

        var response = await _client.PostAsync("/api/runs", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var again = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options))!;
        await _client.PostAsync($"/api/runs/{again.Id}/cancel", null); // only its config matters here
        Assert.Equal("distill", again.Kind);
        Assert.Equal(exported.Run.Name, again.Name);
        Assert.Equal(new[] { "exports" }, again.Tags);
        Assert.Equal(JsonSerializer.Serialize(exported.Run.Config), JsonSerializer.Serialize(again.Config));
    }

    [Fact]
    public async Task SafetensorsHeaderNamesTheStudentsLayersWithTheirShapesAndCoversTheBuffer()
    {
        var file = await DownloadAsync(Export("/weights/student.safetensors"), $"export-me-t-4-0-9-{Id}-student.safetensors");

        var (tensors, metadata, bufferStart) = ExportReaders.Safetensors(file);

        // Mlp(784, [16], 10): its state-dict keys, as a PyTorch module with the same layer names has them.
        Assert.Equal(new Dictionary<string, long[]>
        {
            ["layers.fc0.weight"] = [16, 784],
            ["layers.fc0.bias"] = [16],
            ["layers.out.weight"] = [10, 16],
            ["layers.out.bias"] = [10],
        }, tensors.ToDictionary(t => t.Name, t => t.Shape));
        Assert.All(tensors, t => Assert.Equal("F32", t.Dtype));
        Assert.All(tensors, t => Assert.Equal(4 * t.Shape.Aggregate(1L, (n, s) => n * s), t.End - t.Begin));
        var ordered = tensors.OrderBy(t => t.Begin).ToList();
        Assert.Equal(0, ordered[0].Begin);
        for (var i = 1; i < ordered.Count; i++) Assert.Equal(ordered[i - 1].End, ordered[i].Begin); // no holes
        Assert.Equal(file.Length, bufferStart + ordered[^1].End);
        Assert.Equal(0, bufferStart % 8);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal("student", metadata["vinula.role"]);
    }

    [Fact]
    public async Task TorchSharpWeightsLoadIntoAFreshStudentThatReproducesTheRunsTestLogits()
    {
        var dat = await DownloadAsync(Export("/weights/student.dat"), $"export-me-t-4-0-9-{Id}-student.dat");
        var safetensors = await _client.GetByteArrayAsync(Export("/weights/student.safetensors"));
        var stored = JsonSerializer.Deserialize<StoredLogits>(
            await _client.GetByteArrayAsync($"/api/runs/{Id}/artifacts/{StoredLogits.ArtifactName("student")}"), VinulaJson.Options)!;
        var mnist = exported.Factory.Services.GetRequiredService<DatasetCatalog>().MnistIfCached!;

        using var scope = NewDisposeScope();
        using var student = new Mlp(MnistData.Pixels, [16], MnistData.Classes);
        student.load(new MemoryStream(dat));
        student.eval();

        // The same numbers as the safetensors file, tensor by tensor.
        var (tensors, _, bufferStart) = ExportReaders.Safetensors(safetensors);
        var state = student.state_dict();
        foreach (var t in tensors)
            Assert.Equal(safetensors.AsSpan(bufferStart + (int)t.Begin, (int)(t.End - t.Begin)).ToArray(),
                state[t.Name].contiguous().bytes.ToArray());

        // And the model the run evaluated: its logits on the first test digits are the stored ones.
        var rows = stored.Indices.Take(20).ToArray();
        using var _ = no_grad();
        var logits = student.forward(tensor(mnist.Gather(rows), [rows.Length, MnistData.Pixels])).data<float>().ToArray();
        for (var i = 0; i < logits.Length; i++)
            Assert.Equal(stored.Logits[i], logits[i], 1e-4f);
    }

    [Fact]
    public async Task TensorBoardFileRoundTripsEveryMetricPointWithValidCrcs()
    {
        var run = exported.Run;
        var events = await DownloadAsync(Export("/tensorboard"),
            $"events.out.tfevents.{new DateTimeOffset(run.CreatedAt, TimeSpan.Zero).ToUnixTimeSeconds()}.vinula");
        var metrics = exported.Factory.Services.GetRequiredService<IRunStore>().Metrics(Id).Values.SelectMany(p => p).ToList();

        var (version, scalars) = ExportReaders.TensorBoard(events);

        Assert.Equal("brain.Event:2", version);
        Assert.Equal(
            metrics.Select(p => (p.Series, p.Step, (float)p.Value, new DateTimeOffset(p.Time, TimeSpan.Zero).ToUnixTimeMilliseconds())).Order(),
            scalars.Select(s => (s.Tag, s.Step, s.Value, (long)Math.Round(s.WallTime * 1000))).Order());
    }

    [Fact]
    public void TheCrcIsCrc32C()
    {
        var check = "123456789"u8; // the CRC-32C check value (RFC 3720, B.4 catalogue: 0xE3069283)
        Assert.Equal(0xE3069283u, TensorBoardEvents.Crc32C(check));
        Assert.Equal(ExportReaders.Crc32C(check), TensorBoardEvents.Crc32C(check));
    }

    [Fact]
    public async Task TheIndexListsEveryRoleInBothFormatsAndEveryLinkDownloads()
    {
        var index = (await _client.GetFromJsonAsync<ExportIndex>(Export(""), VinulaJson.Options))!;

        Assert.Equal(new[] { "baseline", "student", "teacher" }, index.Weights.Select(w => w.Role).Order());
        var student = Assert.Single(index.Weights, w => w.Role == "student");
        Assert.Equal(784 * 16 + 16 + 16 * 10 + 10, student.Elements);
        Assert.Equal(2, student.EpochsDone);
        var raw = JsonDocument.Parse(await _client.GetStringAsync(Export(""))).RootElement; // "dtype", as safetensors spells it
        Assert.Equal("F32", raw.GetProperty("weights")[0].GetProperty("tensors")[0].GetProperty("dtype").GetString());
        foreach (var link in index.Files.Concat(index.Weights.SelectMany(w => new[] { w.TorchSharp, w.Safetensors })).Append(index.Zip))
            Assert.Equal(link.FileName, (await _client.GetAsync(link.Url)).Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Fact]
    public async Task TheZipHoldsEveryExportAndArtifact()
    {
        var zip = new ZipArchive(new MemoryStream(await DownloadAsync(Export("/zip"), $"export-me-t-4-0-9-{Id}-export.zip")));
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Superset(new HashSet<string>
        {
            "metrics.csv", "metrics.json", "config.json", "weights/student.dat", "weights/student.safetensors",
            "weights/teacher.safetensors", "weights/baseline.dat", "artifacts/logits-student.json",
        }, names);
        Assert.Single(names, n => n.StartsWith("tensorboard/events.out.tfevents."));
        using var safetensors = new MemoryStream();
        zip.GetEntry("weights/student.safetensors")!.Open().CopyTo(safetensors);
        Assert.Equal(await _client.GetByteArrayAsync(Export("/weights/student.safetensors")), safetensors.ToArray());
    }

    [Fact]
    public async Task AnArtifactDownloadsUnderANameAfterTheRun()
    {
        var name = StoredLogits.ArtifactName("teacher");
        await DownloadAsync($"/api/runs/{Id}/artifacts/{name}?download=1", $"export-me-t-4-0-9-{Id}-{name}");
        Assert.Null((await _client.GetAsync($"/api/runs/{Id}/artifacts/{name}")).Content.Headers.ContentDisposition);
    }

    [Fact]
    public async Task UnknownRunsRolesAndFormatsAnswer404WithAProblemThatSaysWhy()
    {
        var noRun = await _client.GetAsync("/api/runs/no-such-run/export/metrics.csv");
        Assert.Equal(HttpStatusCode.NotFound, noRun.StatusCode);
        Assert.Contains("no-such-run", (await noRun.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        var noRole = await _client.GetAsync(Export("/weights/generator.safetensors"));
        Assert.Equal(HttpStatusCode.NotFound, noRole.StatusCode);
        var detail = (await noRole.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("'generator'", detail);
        Assert.Contains("student", detail); // and which roles it has

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(Export("/weights/student.pt"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/runs/no-such-run/export")).StatusCode);
    }

    [Fact]
    public async Task ARunWithoutCheckpointsSaysItHasNoWeightsYet()
    {
        var id = RunIds.New();
        exported.Factory.Services.GetRequiredService<IRunStore>().Insert(new RunDocument
        {
            Id = id, Name = "never trained", Kind = "distill", Status = RunStatus.Failed, CreatedAt = DateTime.UtcNow,
        });

        var response = await _client.GetAsync($"/api/runs/{id}/export/weights/student.safetensors");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no weights yet", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var index = (await _client.GetFromJsonAsync<ExportIndex>($"/api/runs/{id}/export", VinulaJson.Options))!;
        Assert.Empty(index.Weights);
    }

    [Fact]
    public async Task TheOpenApiDocumentListsTheExportsWithTheirContentTypes()
    {
        var doc = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths");

        Assert.True(paths.GetProperty("/api/runs/{id}/export/metrics.csv").GetProperty("get")
            .GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/csv", out _));
        var weights = paths.GetProperty("/api/runs/{id}/export/weights/{file}").GetProperty("get").GetProperty("responses");
        var schema = weights.GetProperty("200").GetProperty("content").GetProperty("application/octet-stream").GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference)) // "#/components/schemas/Stream"
            schema = doc.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        Assert.Equal("binary", schema.GetProperty("format").GetString());
        Assert.True(weights.TryGetProperty("409", out _));
        foreach (var path in new[] { "", "/metrics.json", "/config.json", "/tensorboard", "/weights/{file}", "/zip" })
            Assert.True(paths.TryGetProperty($"/api/runs/{{id}}/export{path}", out _), path);
    }
}
