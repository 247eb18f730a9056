using System.Text.Json;

namespace Vinula.Shared.Runs;

/// <summary>A run as the API and the pages see it. <c>Worker</c> names the team worker that trains it, or last did
/// (null in the embedded mode).</summary>
public sealed record RunDto(
    string Id,
    string Name,
    string Kind,
    RunStatus Status,
    JsonElement Config,
    IReadOnlyDictionary<string, double> Summary,
    IReadOnlyList<string> Tags,
    string? Notes,
    RunProgress Progress,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? Error,
    IReadOnlyList<StatusChange> StatusHistory,
    int SlowMotionMs = 0,
    string? Worker = null);

/// <summary>One entry of a run's status history.</summary>
public sealed record StatusChange(RunStatus Status, DateTime At, string? Reason = null);

/// <summary>Body of <c>POST /api/runs</c>. The config may be partial: missing fields take the kind's defaults.</summary>
public sealed record CreateRunRequest(string Kind, JsonElement? Config = null, string? Name = null, IReadOnlyList<string>? Tags = null);

/// <summary>Body of <c>PATCH /api/runs/{id}</c>: only the fields given change. <c>SlowMotionMs</c> spaces a live
/// run's training steps by that many milliseconds (0 = full speed).</summary>
public sealed record UpdateRunRequest(string? Name = null, IReadOnlyList<string>? Tags = null, string? Notes = null, int? SlowMotionMs = null);

/// <summary>One page of runs.</summary>
public sealed record RunPage(IReadOnlyList<RunDto> Items, int Total);

/// <summary>What can be asked of the run list: filters, free text, sort ("-createdAt", "name", "status",
/// or "summary.&lt;key&gt;"), paging.</summary>
public sealed record RunQuery(
    string? Kind = null,
    RunStatus? Status = null,
    string? Tag = null,
    string? Text = null,
    string? Sort = null,
    int Skip = 0,
    int Take = 50);

/// <summary>A stored file of a run: PNG grids, JSON logits, text samples. <c>Group</c> ties the per-step
/// images of one panel together for its slider.</summary>
public sealed record ArtifactInfo(string Name, string ContentType, long Step, string? Group);

/// <summary>A line of a run's log.</summary>
public sealed record RunLogLine(DateTime Time, string Message);
