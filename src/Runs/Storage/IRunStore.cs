using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Runs.Storage;

/// <summary>
/// Where runs live: each run with its metrics, logs, artifacts and checkpoints, and the uploaded corpora. LiteDB
/// (<see cref="LiteRunStore"/>) is the embedded default; PostgreSQL (<see cref="PostgresRunStore"/>) serves a team's
/// dashboards and workers from one database. Both pass the same contract tests (<c>RunStoreContract</c>). Safe to
/// share across threads; <see cref="TryModify"/> is a compare-and-set that holds across processes too where the
/// store is shared.
/// </summary>
public interface IRunStore : IDisposable
{
    /// <summary>Names the store for messages ("the run database '…'"), without secrets.</summary>
    string Location { get; }

    // ---- runs

    void Insert(RunDocument run);

    /// <summary>Read, change and write one run atomically. Null if it does not exist.</summary>
    RunDocument? Modify(string id, Action<RunDocument> change);

    /// <summary>Like <see cref="Modify"/>, but the change may decline (return false). Null if the run does not exist
    /// or the change declined.</summary>
    RunDocument? TryModify(string id, Func<RunDocument, bool> change);

    RunDocument? Get(string id);
    bool Exists(string id);
    IReadOnlyList<RunDocument> All();
    IReadOnlyList<RunDocument> WithStatus(RunStatus status);

    /// <summary>Deletes a run with everything it stored.</summary>
    void Delete(string id);

    /// <summary>One page of the run list, filtered and sorted by the database, with the filter's total.</summary>
    (IReadOnlyList<RunDocument> Items, int Total) Page(RunListFilter filter, RunSort sort, int skip, int take);

    /// <summary>Every tag in use, each once whatever its case, in case-insensitive order.</summary>
    IReadOnlyList<string> AllTags();

    // ---- metrics and logs

    /// <summary>Appends a batch of points atomically: all of them or none.</summary>
    void AppendMetrics(string runId, IReadOnlyList<MetricPoint> points);

    /// <summary>Points of a run, by series, in step order (equal steps in insertion order).</summary>
    Dictionary<string, List<MetricPoint>> Metrics(string runId);

    /// <summary>Removes points after a step (a resumed run trains those steps again); returns how many.</summary>
    int DeleteMetricsAfter(string runId, long step);

    void AppendLog(string runId, RunLogLine line);
    IReadOnlyList<RunLogLine> Logs(string runId);

    // ---- artifacts and checkpoints (a save replaces the file of the same name, atomically)

    void SaveArtifact(string runId, ArtifactInfo info, byte[] content);

    /// <summary>By step, then name (ordinal).</summary>
    IReadOnlyList<ArtifactInfo> ListArtifacts(string runId);

    (ArtifactInfo Info, byte[] Content)? LoadArtifact(string runId, string name);
    void SaveCheckpoint(string runId, string name, byte[] content);
    byte[]? LoadCheckpoint(string runId, string name);

    /// <summary>In ordinal order; metadata only.</summary>
    IReadOnlyList<string> CheckpointNames(string runId);

    /// <summary>Whether the run has any checkpoint, or the named one; metadata only.</summary>
    bool HasCheckpoint(string runId, string? name = null);

    // ---- corpora

    /// <summary>Stores an uploaded corpus under a generated id; the name is for display only.</summary>
    CorpusInfo SaveCorpus(string name, byte[] content);

    /// <summary>Stores a corpus under the id it has (a copy between stores keeps the ids that run configs name),
    /// replacing one of the same id; <see cref="CorpusInfo.Bytes"/> is not read.</summary>
    void SaveCorpus(CorpusInfo corpus, byte[] content);

    IReadOnlyList<CorpusInfo> ListCorpora();
    byte[]? LoadCorpus(string id);

    /// <summary>The corpus's display name, or null when there is no such corpus.</summary>
    string? CorpusName(string id);
}
