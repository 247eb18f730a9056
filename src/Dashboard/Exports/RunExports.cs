using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Vinula.Shared.Events;
using Vinula.Runs.Storage;
using Vinula.Engine.Export;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Exports;

/// <summary>A file to download: the name it is saved under, its content type and bytes.</summary>
public sealed record ExportFile(string FileName, string ContentType, byte[] Content);

/// <summary>Why an export is not there, as an HTTP status and a problem's title and detail.</summary>
public sealed record ExportProblem(int Status, string Title, string Detail);

/// <summary>
/// A run's exports in the formats users' own tools read: metrics as CSV and JSON, the config as a body that
/// <c>POST /api/runs</c> accepts again, each model's weights as TorchSharp <c>.dat</c> and safetensors, the metrics as a
/// TensorBoard event file, and everything at once as a ZIP. Built from the store on request; nothing is cached.
/// </summary>
public sealed class RunExports(IRunStore store)
{
    public const string TorchSharpExtension = ".dat";
    public const string SafetensorsExtension = ".safetensors";

    private static readonly JsonSerializerOptions Indented = new(VinulaJson.Options) { WriteIndented = true };

    public static string Url(string runId, string path = "") => $"/api/runs/{Uri.EscapeDataString(runId)}/export{path}";

    public ExportIndex? Index(string runId)
    {
        if (store.Get(runId) is not { } run) return null;
        var name = (string what) => ExportNames.For(run.Name, run.Id, what);
        var files = new List<ExportLink>
        {
            new(name("metrics.csv"), Url(runId, "/metrics.csv"), "text/csv", "Every metric point in long form: series,step,value,time."),
            new(name("metrics.json"), Url(runId, "/metrics.json"), "application/json", "The run's id, name and kind and its series as [step, value, unixMs]."),
            new(name("config.json"), Url(runId, "/config.json"), "application/json", "Kind, name, tags and the resolved config: POST it to /api/runs to train the same run again."),
            new(TensorBoardEvents.FileName(run.CreatedAt), Url(runId, "/tensorboard"), "application/octet-stream", "The metrics as a TensorBoard event file (tensorboard --logdir <its folder>)."),
        };
        var weights = new List<WeightsExport>();
        foreach (var role in store.CheckpointNames(runId))
        {
            if (ReadWeights(runId, role) is not { } model) continue;
            var dat = new ExportLink(name(role + TorchSharpExtension), Url(runId, $"/weights/{Uri.EscapeDataString(role)}{TorchSharpExtension}"),
                "application/octet-stream", "TorchSharp's Module.save format: module.load(path) on a module of the same layers.");
            var safetensors = new ExportLink(name(role + SafetensorsExtension), Url(runId, $"/weights/{Uri.EscapeDataString(role)}{SafetensorsExtension}"),
                "application/octet-stream", "safetensors: safetensors.torch.load_file(path), then load_state_dict on a PyTorch module of the same layers.");
            weights.Add(new WeightsExport(role, model.Header.EpochsDone, model.Header.GlobalStep,
                model.Tensors.Sum(t => t.Shape.Aggregate(1L, (n, s) => n * s)),
                [.. model.Tensors.Select(t => new WeightsTensorInfo(t.Name, t.Dtype, t.Shape))], dat, safetensors));
        }
        var images = store.ListArtifacts(runId).Where(a => a.ContentType == "image/png")
            .Select(a => new ExportLink(name(a.Name), $"/api/runs/{Uri.EscapeDataString(runId)}/artifacts/{Uri.EscapeDataString(a.Name)}?download=1",
                a.ContentType, $"An image the run drew at step {a.Step}" + (a.Group is null ? "." : $" ({a.Group}).")))
            .ToList();
        var zip = new ExportLink(name("export.zip"), Url(runId, "/zip"), "application/zip", "All of the above in one archive, with every artifact.");
        return new ExportIndex(run.Id, run.Name, run.Kind, files, weights, images, zip);
    }

    public ExportFile? MetricsCsv(string runId) => store.Get(runId) is { } run ? MetricsCsvOf(run, store.Metrics(runId)) : null;

    public ExportFile? MetricsJson(string runId) => store.Get(runId) is { } run ? MetricsJsonOf(run, store.Metrics(runId)) : null;

    /// <summary>The body of <c>POST /api/runs</c> that queues the same run again: kind, name, tags and the resolved config.</summary>
    public ExportFile? ConfigJson(string runId) => store.Get(runId) is { } run ? ConfigJsonOf(run) : null;

    public ExportFile? TensorBoard(string runId) => store.Get(runId) is { } run ? TensorBoardOf(run, store.Metrics(runId)) : null;

    // The files from a run and its points already read: the ZIP holds three of them and reads the points once.
    private static ExportFile MetricsCsvOf(RunDocument run, Dictionary<string, List<MetricPoint>> metrics) =>
        new(ExportNames.For(run.Name, run.Id, "metrics.csv"), "text/csv", Encoding.UTF8.GetBytes(Exports.MetricsCsv.Write(metrics)));

    private static ExportFile MetricsJsonOf(RunDocument run, Dictionary<string, List<MetricPoint>> metrics) =>
        new(ExportNames.For(run.Name, run.Id, "metrics.json"), "application/json", JsonSerializer.SerializeToUtf8Bytes(
            new { id = run.Id, name = run.Name, kind = run.Kind, series = Exports.MetricsCsv.Triples(metrics) }, Indented));

    private static ExportFile ConfigJsonOf(RunDocument run)
    {
        using var config = JsonDocument.Parse(run.ConfigJson);
        var request = new CreateRunRequest(run.Kind, config.RootElement, run.Name, run.Tags);
        return new ExportFile(ExportNames.For(run.Name, run.Id, "config.json"), "application/json", JsonSerializer.SerializeToUtf8Bytes(request, Indented));
    }

    private static ExportFile TensorBoardOf(RunDocument run, Dictionary<string, List<MetricPoint>> metrics) =>
        new(TensorBoardEvents.FileName(run.CreatedAt), "application/octet-stream",
            TensorBoardEvents.Write(run.CreatedAt, metrics.Values.SelectMany(p => p)));

    /// <summary>One role's weights; <paramref name="file"/> is <c>{role}.dat</c> or <c>{role}.safetensors</c>.</summary>
    public (ExportFile? File, ExportProblem? Problem) Weights(string runId, string file)
    {
        if (store.Get(runId) is not { } run) return (null, RunNotFound(runId));
        var safetensors = file.EndsWith(SafetensorsExtension, StringComparison.Ordinal);
        if (!safetensors && !file.EndsWith(TorchSharpExtension, StringComparison.Ordinal))
            return (null, new ExportProblem(404, "No such weights file",
                $"Ask for '{{role}}{TorchSharpExtension}' (TorchSharp) or '{{role}}{SafetensorsExtension}' (safetensors), not '{file}'."));
        var role = file[..file.LastIndexOf('.')];
        var roles = store.CheckpointNames(runId);
        if (roles.Count == 0)
            return (null, new ExportProblem(409, "No weights yet",
                $"Run '{runId}' has stored no weights yet: a model's weights are stored at the end of its first epoch."));
        if (!roles.Contains(role, StringComparer.Ordinal) || ReadWeights(runId, role) is not { } model)
            return (null, new ExportProblem(404, "No such role",
                $"Run '{runId}' has no weights for role '{role}'. Roles with weights: {string.Join(", ", roles.Where(r => ReadWeights(runId, r) is not null))}."));
        return (WeightsFile(run, role, model, safetensors), null);
    }

    /// <summary>Everything in one archive: metrics, config, the TensorBoard file under <c>tensorboard/</c>, each role's
    /// weights in both formats under <c>weights/</c>, and every artifact under <c>artifacts/</c>.</summary>
    public ExportFile? Zip(string runId)
    {
        if (store.Get(runId) is not { } run) return null;
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string path, byte[] content)
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Fastest);
                using var stream = entry.Open();
                stream.Write(content);
            }
            var metrics = store.Metrics(runId);
            Add("metrics.csv", MetricsCsvOf(run, metrics).Content);
            Add("metrics.json", MetricsJsonOf(run, metrics).Content);
            Add("config.json", ConfigJsonOf(run).Content);
            var events = TensorBoardOf(run, metrics);
            Add($"tensorboard/{events.FileName}", events.Content);
            foreach (var role in store.CheckpointNames(runId))
            {
                if (ReadWeights(runId, role) is not { } model) continue;
                Add($"weights/{role}{TorchSharpExtension}", WeightsFile(run, role, model, safetensors: false).Content);
                Add($"weights/{role}{SafetensorsExtension}", WeightsFile(run, role, model, safetensors: true).Content);
            }
            foreach (var artifact in store.ListArtifacts(runId))
                if (store.LoadArtifact(runId, artifact.Name) is { } stored)
                    Add($"artifacts/{artifact.Name}", stored.Content);
        }
        return new ExportFile(ExportNames.For(run.Name, run.Id, "export.zip"), "application/zip", buffer.ToArray());
    }

    private static ExportFile WeightsFile(RunDocument run, string role, ModelWeights model, bool safetensors)
    {
        if (!safetensors)
            return new ExportFile(ExportNames.For(run.Name, run.Id, role + TorchSharpExtension), "application/octet-stream", [.. model.TorchSharp]);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt", // what safetensors.torch.save_file writes; some loaders check it
            ["vinula.run"] = run.Id,
            ["vinula.kind"] = run.Kind,
            ["vinula.role"] = role,
            ["vinula.epochs_done"] = model.Header.EpochsDone.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new ExportFile(ExportNames.For(run.Name, run.Id, role + SafetensorsExtension), "application/octet-stream",
            SafeTensors.Write(model.Tensors, metadata));
    }

    /// <summary>The model a checkpoint holds; null when it holds none (PCA stores no weights: it is refitted).</summary>
    private ModelWeights? ReadWeights(string runId, string role) =>
        store.LoadCheckpoint(runId, role) is { } bytes ? ModelWeights.FromCheckpoint(bytes) : null;

    private static ExportProblem RunNotFound(string runId) => new(404, "Run not found", $"No run '{runId}' exists.");
}
