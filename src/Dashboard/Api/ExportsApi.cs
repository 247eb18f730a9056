using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vinula.Dashboard.Exports;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Api;

/// <summary>Downloads of a run in the formats users' own tools read (README "Export"); every file is named after the
/// run (<c>{name-slug}-{id}-…</c>) through <c>Content-Disposition: attachment</c>.</summary>
public static class ExportsApi
{
    private const string Binary = "application/octet-stream";

    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/runs/{id}/export").WithTags("Exports");
        api.MapGet("", Index).WithSummary("What the run can export, each with its URL: metrics, config, TensorBoard, weights per role, images, ZIP.");
        api.MapGet("/metrics.csv", (string id, RunExports exports) => Download(id, exports.MetricsCsv(id)))
            .WithSummary("Every metric point in long form: series,step,value,time (ISO-8601 UTC).")
            .Produces<string>(200, "text/csv").ProducesProblem(404);
        api.MapGet("/metrics.json", (string id, RunExports exports) => Download(id, exports.MetricsJson(id)))
            .WithSummary("{ id, name, kind, series: { name: [[step, value, unixMs], …] } }.")
            .Produces<JsonElement>(200, "application/json").ProducesProblem(404);
        api.MapGet("/config.json", (string id, RunExports exports) => Download(id, exports.ConfigJson(id)))
            .WithSummary("{ kind, name, tags, config } with the resolved config: POST it to /api/runs to train the same run again.")
            .Produces<CreateRunRequest>(200, "application/json").ProducesProblem(404);
        api.MapGet("/tensorboard", (string id, RunExports exports) => Download(id, exports.TensorBoard(id)))
            .WithSummary("The metrics as a TensorBoard event file (events.out.tfevents.*): one scalar per point, tag = series.")
            .Produces<Stream>(200, Binary).ProducesProblem(404);
        api.MapGet("/weights/{file}", Weights)
            .WithSummary("One role's weights as of its last checkpoint: {role}.dat (TorchSharp Module.save) or {role}.safetensors (PyTorch: safetensors.torch.load_file).")
            .Produces<Stream>(200, Binary).ProducesProblem(404).ProducesProblem(409);
        api.MapGet("/zip", (string id, RunExports exports) => Download(id, exports.Zip(id)))
            .WithSummary("Everything in one archive: metrics, config, TensorBoard file, every role's weights in both formats, every artifact.")
            .Produces<Stream>(200, "application/zip").ProducesProblem(404);
        return app;
    }

    private static Results<Ok<ExportIndex>, NotFound<ProblemDetails>> Index(string id, RunExports exports) =>
        exports.Index(id) is { } index ? TypedResults.Ok(index) : TypedResults.NotFound(RunNotFound(id));

    private static IResult Weights(string id, string file, RunExports exports)
    {
        var (weights, problem) = exports.Weights(id, file);
        if (weights is not null) return File(weights);
        var details = new ProblemDetails { Status = problem!.Status, Title = problem.Title, Detail = problem.Detail };
        return problem.Status == 409 ? TypedResults.Conflict(details) : TypedResults.NotFound(details);
    }

    private static IResult Download(string id, ExportFile? file) =>
        file is null ? TypedResults.NotFound(RunNotFound(id)) : File(file);

    /// <summary>With a download name, so ASP.NET writes <c>Content-Disposition: attachment; filename=…</c>.</summary>
    private static FileContentHttpResult File(ExportFile file) =>
        TypedResults.File(file.Content, file.ContentType, file.FileName);

    private static ProblemDetails RunNotFound(string id) => new() { Status = 404, Title = "Run not found", Detail = $"No run '{id}' exists." };
}
