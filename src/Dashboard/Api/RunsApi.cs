using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vinula.Dashboard.Curves;
using Vinula.Dashboard.Exports;
using Vinula.Dashboard.Runs;
using Vinula.Runs.Storage;
using Vinula.Engine.Experiments;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Api;

/// <summary>The run endpoints of PRODUCT.md ("HTTP API"): create, list, read, change, metrics, artifacts, lifecycle.</summary>
public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/runs").WithTags("Runs");
        api.MapPost("/", CreateAsync).WithSummary("Queue a run; a partial config takes the kind's defaults.")
            .Accepts<CreateRunRequest>("application/json");
        // One request for many runs, answered per run: the page's bulk bar and scripts see which runs were refused
        // and why (a running run is not deleted), where N single calls would each need their own error handling.
        api.MapPost("/bulk", BulkAsync).WithSummary("Add or remove tags on many runs, or delete them; one outcome per run.")
            .Accepts<BulkRunsRequest>("application/json");
        api.MapGet("/", List).WithSummary("Runs, filtered, sorted and paged.");
        api.MapGet("/{id}", Get).WithSummary("One run with its config, summary and progress.");
        api.MapMethods("/{id}", ["PATCH"], UpdateAsync).WithSummary("Rename, retag or annotate a run, or set a live run's slow motion (slowMotionMs).")
            .Accepts<UpdateRunRequest>("application/json");
        api.MapGet("/{id}/metrics", Metrics).WithSummary("Metric series as [step, value, unixMs] triples, or long-form CSV with ?format=csv; " +
            "?maxPoints=N thins each longer series to about N points, keeping every stretch's lowest and highest value and both ends.");
        api.MapGet("/{id}/logs", Logs).WithSummary("The run's log lines.");
        api.MapGet("/{id}/artifacts", Artifacts).WithSummary("The run's stored files.");
        api.MapGet("/{id}/artifacts/{name}", Artifact).WithSummary("One stored file's bytes; ?download=1 names the download after the run.");
        api.MapPost("/{id}/cancel", Cancel).WithSummary("Stop a queued or running run.");
        api.MapPost("/{id}/resume", Resume).WithSummary("Continue a paused run, or an interrupted or cancelled run from its last checkpoint.");
        api.MapPost("/{id}/pause", Pause).WithSummary("Stop a running run between two steps, keeping it in memory (it becomes paused when the step under way ends).");
        api.MapPost("/{id}/step", Step).WithSummary("A paused run takes count training steps (default 1), pushes its curves and preview, and pauses again.");
        api.MapDelete("/{id}", Delete).WithSummary("Delete a finished run and everything it stored.");
        return app;
    }

    /// <summary>The body is read by hand so broken JSON and wrong types become field errors, never a 500.</summary>
    private static async Task<Results<Created<RunDto>, ValidationProblem>> CreateAsync(HttpRequest http, RunService runs)
    {
        var (request, errors) = await RequestBody.ReadAsync<CreateRunRequest>(http);
        if (request is null) return TypedResults.ValidationProblem(errors!);
        if (string.IsNullOrWhiteSpace(request.Kind))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = ["kind is required."] });
        var outcome = runs.Create(request);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/runs/{outcome.Value!.Id}", outcome.Value)
            : TypedResults.ValidationProblem(outcome.Errors!);
    }

    private static Results<Ok<RunPage>, ValidationProblem> List(RunService runs,
        string? kind, string? status, string? tag, string? q, string? sort, int? skip, int? take)
    {
        RunStatus? parsed = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<RunStatus>(status, ignoreCase: true, out var s) || int.TryParse(status, out _))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["status"] = [$"Unknown status '{status}'. Use one of: {string.Join(", ", Enum.GetNames<RunStatus>().Select(n => n.ToLowerInvariant()))}."],
                });
            parsed = s;
        }
        if (RunSort.Parse(sort) is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["sort"] = [$"Unknown sort '{sort}'. Use one of: {RunSort.Known}."],
            });
        return TypedResults.Ok(runs.Query(new RunQuery(kind, parsed, tag, q, sort, skip ?? 0, take ?? 50)));
    }

    private static async Task<Results<Ok<IReadOnlyList<BulkRunOutcome>>, ValidationProblem>> BulkAsync(HttpRequest http, RunBulkActions bulk)
    {
        var (request, errors) = await RequestBody.ReadAsync<BulkRunsRequest>(http);
        if (request is null) return TypedResults.ValidationProblem(errors!);
        if (request.Ids is not { Count: > 0 and <= RunBulkActions.MaxIds })
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ids"] = [$"Give 1 to {RunBulkActions.MaxIds} run ids."] });
        if (request.Delete == (request.AddTags is { Count: > 0 } || request.RemoveTags is { Count: > 0 }))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["delete"] = ["Either delete the runs or give addTags/removeTags, not both and not neither."],
            });
        return TypedResults.Ok(bulk.Apply(request));
    }

    private static Results<Ok<RunDto>, NotFound<ProblemDetails>> Get(string id, RunService runs) =>
        runs.Get(id) is { } run ? TypedResults.Ok(run) : NotFoundRun(id);

    private static async Task<Results<Ok<RunDto>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> UpdateAsync(
        string id, HttpRequest http, RunService runs)
    {
        var (request, errors) = await RequestBody.ReadAsync<UpdateRunRequest>(http);
        if (request is null) return TypedResults.ValidationProblem(errors!);
        var outcome = runs.Update(id, request);
        if (outcome.IsNotFound) return NotFoundRun(id);
        if (outcome.ConflictMessage is { } message) return TypedResults.Conflict(Problem(409, "Not possible in the run's state", message));
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value!) : TypedResults.ValidationProblem(outcome.Errors!);
    }

    private static IResult Metrics(string id, string? format, int? maxPoints, IRunStore store)
    {
        if (maxPoints is < 4)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["maxPoints"] = ["maxPoints must be at least 4 (both ends and one bucket's low and high)."] });
        if (!store.Exists(id)) return NotFoundRun(id);
        var series = store.Metrics(id);
        if (maxPoints is { } max)
            series = series.ToDictionary(s => s.Key, s => Downsampling.MinMax(s.Value, p => p.Value, max).ToList(), StringComparer.Ordinal);
        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Text(MetricsCsv.Write(series), "text/csv", Encoding.UTF8);
        return TypedResults.Json(new { series = MetricsCsv.Triples(series) }, VinulaJson.Options);
    }

    private static Results<Ok<IReadOnlyList<RunLogLine>>, NotFound<ProblemDetails>> Logs(string id, IRunStore store) =>
        store.Exists(id) ? TypedResults.Ok(store.Logs(id)) : NotFoundRun(id);

    private static Results<Ok<IReadOnlyList<ArtifactInfo>>, NotFound<ProblemDetails>> Artifacts(string id, IRunStore store) =>
        store.Exists(id) ? TypedResults.Ok(store.ListArtifacts(id)) : NotFoundRun(id);

    /// <summary><c>?download=1</c> adds <c>Content-Disposition: attachment</c> with a name after the run
    /// (<c>{name-slug}-{id}-{artifact}</c>), for the image panels' download buttons.</summary>
    private static Results<FileContentHttpResult, NotFound<ProblemDetails>> Artifact(string id, string name, string? download, IRunStore store) =>
        store.LoadArtifact(id, name) is { } file
            ? TypedResults.File(file.Content, file.Info.ContentType,
                download is "1" or "true" && store.Get(id) is { } run ? ExportNames.For(run.Name, run.Id, file.Info.Name) : null, enableRangeProcessing: false)
            : TypedResults.NotFound(Problem(404, "No such artifact", $"Run '{id}' has no artifact '{name}'."));

    private static Results<Accepted<RunDto>, NotFound<ProblemDetails>, Conflict<ProblemDetails>> Cancel(string id, RunService runs) =>
        Lifecycle(id, runs.Cancel(id));

    private static Results<Accepted<RunDto>, NotFound<ProblemDetails>, Conflict<ProblemDetails>> Resume(string id, RunService runs) =>
        Lifecycle(id, runs.Resume(id));

    private static Results<Accepted<RunDto>, NotFound<ProblemDetails>, Conflict<ProblemDetails>> Pause(string id, RunService runs) =>
        Lifecycle(id, runs.Pause(id));

    private static Results<Accepted<RunDto>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>> Step(string id, int? count, RunService runs)
    {
        var outcome = runs.Step(id, count ?? 1);
        if (outcome.Errors is { } errors) return TypedResults.ValidationProblem(errors);
        if (outcome.IsNotFound) return NotFoundRun(id);
        if (outcome.ConflictMessage is { } message) return TypedResults.Conflict(Problem(409, "Not possible in the run's state", message));
        return TypedResults.Accepted($"/api/runs/{id}", outcome.Value!);
    }

    private static Results<NoContent, NotFound<ProblemDetails>, Conflict<ProblemDetails>> Delete(string id, RunService runs)
    {
        var outcome = runs.Delete(id);
        if (outcome.IsNotFound) return NotFoundRun(id);
        return outcome.ConflictMessage is { } message ? TypedResults.Conflict(Problem(409, "Run is running", message)) : TypedResults.NoContent();
    }

    private static Results<Accepted<RunDto>, NotFound<ProblemDetails>, Conflict<ProblemDetails>> Lifecycle(string id, RunOutcome<RunDto> outcome)
    {
        if (outcome.IsNotFound) return NotFoundRun(id);
        if (outcome.ConflictMessage is { } message) return TypedResults.Conflict(Problem(409, "Not possible in the run's state", message));
        return TypedResults.Accepted($"/api/runs/{id}", outcome.Value!);
    }

    private static NotFound<ProblemDetails> NotFoundRun(string id) =>
        TypedResults.NotFound(Problem(404, "Run not found", $"No run '{id}' exists."));

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}

/// <summary>Reads a JSON body into a record, turning every kind of bad input into field errors.</summary>
internal static class RequestBody
{
    public static async Task<(T? Value, Dictionary<string, string[]>? Errors)> ReadAsync<T>(HttpRequest http) where T : class
    {
        // Two steps, so a syntax error ("not JSON") and a type error (a field's path) get different messages.
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Body, cancellationToken: http.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            return (null, One("", $"The request body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})."));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, One("", "The request body must be a JSON object."));
            try
            {
                // Strict: an unknown field ("confg") is an error, never silently ignored.
                return (document.RootElement.Deserialize<T>(VinulaJson.StrictConfig), null);
            }
            catch (JsonException e)
            {
                var error = ExperimentCatalog.JsonError(e);
                return (null, One(error.Path, error.Path.Length == 0 ? "The request body does not have the expected fields." : error.Message));
            }
        }
    }

    private static Dictionary<string, string[]> One(string path, string message) => new() { [path.Length == 0 ? "body" : path] = [message] };
}
