using System.Text.Json;
using Vinula.Runs.Storage;
using Vinula.Engine.Experiments;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Runs;

/// <summary>What users do with runs, for the API and the pages alike: create, list, change, cancel, resume, delete.</summary>
public sealed class RunService(IRunStore store, RunEventBus bus, RunLifecycle lifecycle, ExperimentCatalog catalog, IRunEngine engine)
{
    public const int MaxTags = 20;
    public const int MaxTagLength = 40;
    public const int MaxNameLength = 120;
    public const int MaxNotesLength = 20_000;

    public ExperimentCatalog Catalog => catalog;

    /// <summary>Stored runs as the engine's validators see them (teacher reuse).</summary>
    public Vinula.Engine.Training.IRunLibrary Library { get; } = new StoreRunLibrary(store);

    /// <summary>Validates and queues a run. Errors carry JSON paths into the request body (<c>config.alpha</c>).</summary>
    public RunOutcome<RunDto> Create(CreateRunRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var definition = catalog.Find(request.Kind);
        if (definition is null)
            errors["kind"] = [$"Unknown kind '{request.Kind}'. Known kinds: {string.Join(", ", catalog.All.Select(d => d.Kind))}."];
        CheckName(request.Name, errors);
        CheckTags(request.Tags, errors);
        if (definition is null) return RunOutcome<RunDto>.Invalid(errors);

        var bound = catalog.Bind(definition, request.Config, Library);
        foreach (var error in bound.Errors)
            errors[error.Path.Length == 0 ? "config" : $"config.{error.Path}"] = [error.Message];
        if (errors.Count > 0 || !bound.IsValid) return RunOutcome<RunDto>.Invalid(errors);

        var now = DateTime.UtcNow;
        var run = new RunDocument
        {
            Id = RunIds.New(),
            Name = string.IsNullOrWhiteSpace(request.Name) ? definition.DefaultName(bound.Config!) : request.Name.Trim(),
            Kind = definition.Kind,
            ConfigJson = ExperimentCatalog.ToJson(bound.Config!).GetRawText(),
            Tags = NormaliseTags(request.Tags),
            CreatedAt = now,
        };
        lifecycle.Create(run);
        _tags = null;
        engine.Enqueue(run.Id, bound.Config!.Device);
        return RunOutcome<RunDto>.Ok(RunDocument.ToDto(run));
    }

    public RunDto? Get(string id) => store.Get(id) is { } run ? RunDocument.ToDto(run) : null;

    /// <summary>One page of runs, filtered, sorted and paged by the store's indexes. An unknown sort falls back to the
    /// default (a page with an old link still opens); the API refuses it first (<see cref="RunSort.Parse"/>).</summary>
    public RunPage Query(RunQuery query)
    {
        var take = Math.Clamp(query.Take, 1, 500);
        var sort = RunSort.Parse(query.Sort) ?? RunSort.Default;
        var (items, total) = store.Page(new RunListFilter(query.Kind, query.Status, query.Tag, query.Text), sort, query.Skip, take);
        return new RunPage([.. items.Select(RunDocument.ToDto)], total);
    }

    /// <summary>Every tag in use, for the filter.</summary>
    public IReadOnlyList<string> AllTags()
    {
        if (_tags is { } known && Environment.TickCount64 - known.At < TagsKeptMs) return known.Tags;
        var tags = store.AllTags();
        _tags = new KnownTags(tags, Environment.TickCount64);
        return tags;
    }

    /// <summary>The tag list is kept until a run is created, retagged or deleted through this service, or for
    /// <see cref="TagsKeptMs"/> at most: in a team, another dashboard may have changed them.</summary>
    private volatile KnownTags? _tags;

    private const long TagsKeptMs = 5_000;

    private sealed record KnownTags(IReadOnlyList<string> Tags, long At);

    public RunOutcome<RunDto> Update(string id, UpdateRunRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Name is not null && string.IsNullOrWhiteSpace(request.Name)) errors["name"] = ["name must not be empty."];
        CheckName(request.Name, errors);
        CheckTags(request.Tags, errors);
        if (request.Notes is { Length: > MaxNotesLength }) errors["notes"] = [$"notes may have at most {MaxNotesLength:N0} characters."];
        else CheckText("notes", request.Notes, errors);
        if (request.SlowMotionMs is < 0 or > RunControl.MaxSlowMotionMs)
            errors["slowMotionMs"] = [$"slowMotionMs must be between 0 and {RunControl.MaxSlowMotionMs:N0} milliseconds."];
        if (errors.Count > 0) return RunOutcome<RunDto>.Invalid(errors);

        string? conflict = null;
        var run = store.Modify(id, r =>
        {
            if (request.SlowMotionMs is not null && !r.Status.IsActive())
            {
                conflict = $"Slow motion applies to a queued, running or paused run; run '{id}' is {Lower(r.Status)}.";
                return;
            }
            if (request.Name is not null) r.Name = request.Name.Trim();
            if (request.Tags is not null) r.Tags = NormaliseTags(request.Tags);
            if (request.Notes is not null) r.Notes = request.Notes;
            if (request.SlowMotionMs is { } ms) r.SlowMotionMs = ms;
        });
        if (run is null) return RunOutcome<RunDto>.NotFound();
        if (conflict is not null) return RunOutcome<RunDto>.Conflict(conflict);
        _tags = null;
        if (request.SlowMotionMs is { } slow) engine.SlowMotion(id, slow);
        bus.Publish(new RunMetadataChanged(run.Id, run.Name, run.Tags, run.Notes, run.SlowMotionMs));
        return RunOutcome<RunDto>.Ok(RunDocument.ToDto(run));
    }

    /// <summary>A queued run is cancelled at once; a running or paused one before its next step.</summary>
    public RunOutcome<RunDto> Cancel(string id)
    {
        var run = store.Get(id);
        if (run is null) return RunOutcome<RunDto>.NotFound();
        if (run.Status.IsFinished()) return RunOutcome<RunDto>.Conflict($"Run '{id}' is already {Lower(run.Status)}.");
        if (engine.Cancel(id)) return RunOutcome<RunDto>.Ok(RunDocument.ToDto(run));

        var cancelled = lifecycle.Move(id, RunStatus.Cancelled, "Cancelled by the user before it started.", onlyFrom: RunStatus.Queued);
        if (cancelled.Run is { } moved) return RunOutcome<RunDto>.Ok(RunDocument.ToDto(moved));
        // Deleted, or it started in between: then its token is registered.
        if (engine.Cancel(id) && store.Get(id) is { } running) return RunOutcome<RunDto>.Ok(RunDocument.ToDto(running));
        return store.Get(id) is { } current
            ? RunOutcome<RunDto>.Conflict($"Run '{id}' is already {Lower(current.Status)}.")
            : RunOutcome<RunDto>.NotFound();
    }

    /// <summary>A paused run goes on; an interrupted or cancelled run is queued again and continues from its last
    /// checkpoint.</summary>
    public RunOutcome<RunDto> Resume(string id)
    {
        var run = store.Get(id);
        if (run is null) return RunOutcome<RunDto>.NotFound();
        if (run.Status.IsLive())
        {
            if (!engine.Continue(id))
                return RunOutcome<RunDto>.Conflict($"Run '{id}' is running; only a paused, interrupted or cancelled run can be resumed.");
            return RunOutcome<RunDto>.Ok(RunDocument.ToDto(store.Get(id) ?? run));
        }
        if (run.Status is not (RunStatus.Interrupted or RunStatus.Cancelled))
            return RunOutcome<RunDto>.Conflict($"Only a paused, interrupted or cancelled run can be resumed; run '{id}' is {Lower(run.Status)}.");
        if (!store.HasCheckpoint(id))
            return RunOutcome<RunDto>.Conflict($"Run '{id}' has no checkpoint yet (it stopped before its first epoch ended); start it again instead.");

        var queued = lifecycle.Move(id, RunStatus.Queued, "resume requested", r => r.ResumeRequested = true);
        if (queued.Run is null) return RunOutcome<RunDto>.Conflict($"Run '{id}' changed state; reload and try again.");
        engine.Enqueue(id, DeviceOf(queued.Run));
        return RunOutcome<RunDto>.Ok(RunDocument.ToDto(queued.Run));
    }

    /// <summary>Stops a running run between two steps, its model kept in memory (202: the status becomes
    /// <c>paused</c> when the step under way ends).</summary>
    public RunOutcome<RunDto> Pause(string id)
    {
        var run = store.Get(id);
        if (run is null) return RunOutcome<RunDto>.NotFound();
        if (run.Status != RunStatus.Running || !engine.Pause(id))
            return RunOutcome<RunDto>.Conflict($"Only a running run can be paused; run '{id}' is {Lower(run.Status)}.");
        return RunOutcome<RunDto>.Ok(RunDocument.ToDto(run));
    }

    /// <summary>A paused run takes <paramref name="count"/> training steps, pushing curves as usual, and pauses again.</summary>
    public RunOutcome<RunDto> Step(string id, int count)
    {
        if (count is < 1 or > RunControl.MaxStepCount)
            return RunOutcome<RunDto>.Invalid(new() { ["count"] = [$"count must be between 1 and {RunControl.MaxStepCount:N0}."] });
        var run = store.Get(id);
        if (run is null) return RunOutcome<RunDto>.NotFound();
        if (run.Status != RunStatus.Paused || !engine.Step(id, count))
            return RunOutcome<RunDto>.Conflict($"Only a paused run can be stepped; run '{id}' is {Lower(run.Status)}.");
        return RunOutcome<RunDto>.Ok(RunDocument.ToDto(run));
    }

    public RunOutcome<bool> Delete(string id)
    {
        var run = store.Get(id);
        if (run is null) return RunOutcome<bool>.NotFound();
        if (run.Status.IsLive() || engine.IsTrainingHere(id))
            return RunOutcome<bool>.Conflict($"Run '{id}' is {Lower(run.Status)}; cancel it first.");
        store.Delete(id);
        _tags = null;
        bus.Publish(new RunDeleted(id));
        return RunOutcome<bool>.Ok(true);
    }

    private static void CheckName(string? name, Dictionary<string, string[]> errors)
    {
        if (name is { Length: > MaxNameLength }) errors["name"] = [$"name may have at most {MaxNameLength} characters."];
        else CheckText("name", name, errors);
    }

    /// <summary>PostgreSQL (a team's store) cannot hold U+0000 in text: refused in both modes alike, naming the field.</summary>
    private static void CheckText(string field, string? text, Dictionary<string, string[]> errors)
    {
        if (text is not null && text.Contains('\0')) errors[field] = [$"{field} must not contain the character U+0000."];
    }

    private static void CheckTags(IReadOnlyList<string>? tags, Dictionary<string, string[]> errors)
    {
        if (tags is null) return;
        if (tags.Count > MaxTags) errors["tags"] = [$"A run may have at most {MaxTags} tags."];
        for (var i = 0; i < tags.Count; i++)
            if (string.IsNullOrWhiteSpace(tags[i]) || tags[i].Trim().Length > MaxTagLength)
                errors[$"tags[{i}]"] = [$"A tag must have 1 to {MaxTagLength} characters."];
            else CheckText($"tags[{i}]", tags[i], errors);
    }

    private static List<string> NormaliseTags(IReadOnlyList<string>? tags) =>
        tags is null ? [] : [.. tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The device a stored run asked for (its queue in a team).</summary>
    private static DeviceChoice DeviceOf(RunDocument run) =>
        JsonDocument.Parse(run.ConfigJson).RootElement.TryGetProperty("device", out var device) && device.ValueKind == JsonValueKind.String
        && Enum.TryParse<DeviceChoice>(device.GetString(), ignoreCase: true, out var choice)
            ? choice
            : DeviceChoice.Auto;

    private static string Lower(RunStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Serialises a config for the pages (clone from run, presets).</summary>
    public static string ConfigText(JsonElement config) => JsonSerializer.Serialize(config, VinulaJson.Options);
}

/// <summary>The result of a user action: a value, validation errors, not found, or a conflict with the run's state.</summary>
public sealed record RunOutcome<T>(T? Value, Dictionary<string, string[]>? Errors, bool IsNotFound, string? ConflictMessage)
{
    public bool Succeeded => Errors is null && !IsNotFound && ConflictMessage is null;
    public static RunOutcome<T> Ok(T value) => new(value, null, false, null);
    public static RunOutcome<T> Invalid(Dictionary<string, string[]> errors) => new(default, errors, false, null);
    public static RunOutcome<T> NotFound() => new(default, null, true, null);
    public static RunOutcome<T> Conflict(string message) => new(default, null, false, message);
}
