using System.Text.Json;
using System.Text.Json.Serialization;
using LiteDB;
using Vinula.Shared.Runs;

namespace Vinula.Runs.Storage;

/// <summary>A run as stored: mutable for LiteDB's mapper; pages and the API see <see cref="RunDto"/>. PostgreSQL keeps
/// it as JSON (<see cref="Vinula.Shared.VinulaJson.Options"/>), without the derived properties, which its columns hold.</summary>
public sealed class RunDocument
{
    [BsonId] public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public RunStatus Status { get; set; }

    /// <summary>The resolved config (defaults filled in) as JSON text, exactly as the run used it.</summary>
    public string ConfigJson { get; set; } = "{}";

    public Dictionary<string, double> Summary { get; set; } = [];
    public List<string> Tags { get; set; } = [];
    public string? Notes { get; set; }

    /// <summary>The tags lower-cased, stored for the list's case-insensitive tag index (<c>$.TagKeys[*]</c>). Derived on
    /// every write; the setter only lets the mapper read it back.</summary>
    [JsonIgnore]
    public List<string> TagKeys
    {
        get => [.. Tags.Select(t => t.ToLowerInvariant())];
        set { }
    }
    public double ProgressFraction { get; set; }
    public long ProgressStep { get; set; }
    public long ProgressTotalSteps { get; set; }
    public double? EtaSeconds { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? Error { get; set; }

    /// <summary>Seconds from start to finish, stored so the list can sort by it through an index; null while the run
    /// has not finished. Derived on every write (the setter only lets the mapper read it back).</summary>
    [JsonIgnore]
    public double? DurationSeconds
    {
        get => StartedAt is { } start && FinishedAt is { } end ? (end - start).TotalSeconds : null;
        set { }
    }
    public List<StatusChangeDocument> StatusHistory { get; set; } = [];

    /// <summary>Milliseconds between training steps while live (0 = full speed): a setting of the run, kept across
    /// a resume.</summary>
    public int SlowMotionMs { get; set; }

    /// <summary>The team worker training it, or that last trained it (null in the embedded mode).</summary>
    public string? Worker { get; set; }

    /// <summary>Set by a resume request: the next start continues from the checkpoints.</summary>
    public bool ResumeRequested { get; set; }

    [JsonIgnore]
    public RunProgress Progress => new(ProgressFraction, ProgressStep, ProgressTotalSteps, EtaSeconds);

    /// <summary>History entries kept: stepping a paused run adds two per step, so the middle is dropped past this.</summary>
    public const int MaxHistory = 200;

    public void SetStatus(RunStatus status, DateTime at, string? reason = null)
    {
        Status = status;
        StatusHistory.Add(new StatusChangeDocument { Status = status, At = at, Reason = reason });
        if (StatusHistory.Count > MaxHistory)
            StatusHistory.RemoveRange(MaxHistory / 4, StatusHistory.Count - MaxHistory);
    }

    public static RunDto ToDto(RunDocument run) => new(
        run.Id, run.Name, run.Kind, run.Status,
        JsonDocument.Parse(run.ConfigJson).RootElement.Clone(),
        run.Summary, run.Tags, run.Notes, run.Progress,
        run.CreatedAt, run.StartedAt, run.FinishedAt, run.Error,
        [.. run.StatusHistory.Select(s => new StatusChange(s.Status, s.At, s.Reason))],
        run.SlowMotionMs, run.Worker);
}

public sealed class StatusChangeDocument
{
    public RunStatus Status { get; set; }
    public DateTime At { get; set; }
    public string? Reason { get; set; }
}

public sealed class MetricDocument
{
    public ObjectId Id { get; set; } = ObjectId.NewObjectId();
    public string RunId { get; set; } = "";
    public string Series { get; set; } = "";
    public long Step { get; set; }
    public double Value { get; set; }
    public DateTime Time { get; set; }
}

public sealed class LogDocument
{
    public ObjectId Id { get; set; } = ObjectId.NewObjectId();
    public string RunId { get; set; } = "";
    public DateTime Time { get; set; }
    public string Message { get; set; } = "";
}
