using System.Text.Json;
using LiteDB;
using Vinula.Shared;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Runs.Storage;

/// <summary>
/// Every run, its metrics, logs, artifacts and checkpoints, in one LiteDB file. One instance per file per
/// process (two on one file silently lose data), shared by all threads; multi-document writes run in a
/// transaction so a crash never leaves half a batch.
/// </summary>
public sealed partial class LiteRunStore : IRunStore
{
    private const string Artifacts = "artifacts";
    private const string Checkpoints = "checkpoints";

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<RunDocument> _runs;
    private readonly ILiteCollection<MetricDocument> _metrics;
    private readonly ILiteCollection<BsonDocument> _rawMetrics;
    private readonly ILiteCollection<LogDocument> _logs;
    private readonly ILiteStorage<string> _files;
    private readonly Lock _writeGate = new();

    public LiteRunStore(string path)
    {
        Path = path;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            _db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, new BsonMapper())
            {
                UtcDate = true,
            };
            _runs = _db.GetCollection<RunDocument>("runs");
            _metrics = _db.GetCollection<MetricDocument>("metrics");
            _rawMetrics = _db.GetCollection("metrics");
            _logs = _db.GetCollection<LogDocument>("logs");
            _files = _db.GetStorage<string>("files", "chunks");
            _metrics.EnsureIndex(m => m.RunId);
            EnsureListIndexes();
            _logs.EnsureIndex(l => l.RunId);
        }
        catch (Exception e) when (e is LiteException or IOException or UnauthorizedAccessException or InvalidCastException or ArgumentException)
        {
            throw new StorageUnavailableException($"The run database '{path}' cannot be opened: {e.Message} " +
                "Check the path (Storage:DatabasePath), its permissions, and that no other Vinula process uses it.", e);
        }
    }

    public string Path { get; }

    public string Location => $"the run database '{Path}'";

    // ---- runs -------------------------------------------------------------------------------------

    public void Insert(RunDocument run)
    {
        lock (_writeGate)
            InTransaction(() =>
            {
                _runs.Insert(run);
                WriteSearchText(run);
            });
        ForgetTotals();
    }

    /// <summary>Read, change and write one run under the store's write lock, so concurrent changes (progress
    /// from the run's thread, a rename from the API) never overwrite each other. Null if it does not exist.</summary>
    public RunDocument? Modify(string id, Action<RunDocument> change) => TryModify(id, run =>
    {
        change(run);
        return true;
    });

    /// <summary>Like <see cref="Modify"/>, but the change may decline (return false): a compare-and-set on the
    /// run's state. Null if the run does not exist or the change declined.</summary>
    public RunDocument? TryModify(string id, Func<RunDocument, bool> change)
    {
        lock (_writeGate)
        {
            if (_runs.FindById(id) is not { } run) return null;
            var (before, status) = (SearchState(run), run.Status);
            if (!change(run)) return null;
            // Progress writes, the frequent ones, leave the search text alone and stay a single write.
            if (SearchState(run) == before)
            {
                _runs.Update(run);
                if (run.Status != status) ForgetTotals();
            }
            else
            {
                InTransaction(() =>
                {
                    _runs.Update(run);
                    WriteSearchText(run);
                });
                ForgetTotals();
            }
            return run;
        }
    }

    public RunDocument? Get(string id) => _runs.FindById(id);

    public bool Exists(string id) => _runs.Exists(r => r.Id == id);

    public IReadOnlyList<RunDocument> All() => [.. _runs.FindAll()];

    public IReadOnlyList<RunDocument> WithStatus(RunStatus status) => [.. _runs.Find(r => r.Status == status)];

    /// <summary>Deletes a run with everything it stored.</summary>
    public void Delete(string id)
    {
        lock (_writeGate)
        {
            _db.BeginTrans();
            try
            {
                _metrics.DeleteMany(m => m.RunId == id);
                _logs.DeleteMany(l => l.RunId == id);
                foreach (var file in _files.Find(f => f.Id.StartsWith(id + "/")).ToList())
                    _files.Delete(file.Id);
                _runs.Delete(id);
                Searchable.Delete(id);
                _db.Commit();
                ForgetTotals();
            }
            catch
            {
                _db.Rollback();
                throw;
            }
        }
    }

    // ---- metrics and logs -------------------------------------------------------------------------

    /// <summary>Appends a batch of points atomically: all of them or none.</summary>
    public void AppendMetrics(string runId, IReadOnlyList<MetricPoint> points)
    {
        if (points.Count == 0) return;
        var docs = points.Select(p => new MetricDocument { RunId = runId, Series = p.Series, Step = p.Step, Value = p.Value, Time = p.Time });
        lock (_writeGate)
        {
            _db.BeginTrans();
            try
            {
                _metrics.InsertBulk(docs);
                _db.Commit();
            }
            catch
            {
                _db.Rollback();
                throw;
            }
        }
    }

    /// <summary>Points of a run, by series, in step order, equal steps (a resumed run's repeats) in the order written.
    /// Read as raw documents, only the fields a point needs (not mapped to <see cref="MetricDocument"/>, then grouped and
    /// sorted): a curve of a million points is read several times faster. The run index gives the points mostly in the
    /// order written, but not always: space freed by a resume's rewind is reused, and equal keys follow their place in
    /// the file (the store contract caught a repeat coming first). A series out of (step, id) order is sorted; ids are
    /// ObjectIds, increasing in the order written.</summary>
    public Dictionary<string, List<MetricPoint>> Metrics(string runId)
    {
        var result = new Dictionary<string, List<MetricPoint>>(StringComparer.Ordinal);
        var ids = new Dictionary<string, List<ObjectId>>(StringComparer.Ordinal);
        var unordered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var doc in _rawMetrics.Find(Query.EQ(nameof(MetricDocument.RunId), runId)))
        {
            var series = doc[nameof(MetricDocument.Series)].AsString;
            if (!result.TryGetValue(series, out var points))
            {
                result[series] = points = [];
                ids[series] = [];
            }
            var point = new MetricPoint(series, doc[nameof(MetricDocument.Step)].AsInt64, doc[nameof(MetricDocument.Value)].AsDouble,
                doc[nameof(MetricDocument.Time)].AsDateTime);
            var id = doc["_id"].AsObjectId;
            var written = ids[series];
            if (points.Count > 0 && (point.Step < points[^1].Step || point.Step == points[^1].Step && id.CompareTo(written[^1]) < 0))
                unordered.Add(series);
            points.Add(point);
            written.Add(id);
        }
        foreach (var series in unordered)
            result[series] = [.. result[series].Zip(ids[series]).OrderBy(p => p.First.Step).ThenBy(p => p.Second).Select(p => p.First)];
        return result;
    }

    /// <summary>Removes points after a step (a resumed run trains those steps again).</summary>
    public int DeleteMetricsAfter(string runId, long step) => _metrics.DeleteMany(m => m.RunId == runId && m.Step > step);

    public void AppendLog(string runId, RunLogLine line) =>
        _logs.Insert(new LogDocument { RunId = runId, Time = line.Time, Message = line.Message });

    public IReadOnlyList<RunLogLine> Logs(string runId) =>
        [.. _logs.Find(l => l.RunId == runId).OrderBy(l => l.Time).Select(l => new RunLogLine(l.Time, l.Message))];

    // ---- artifacts and checkpoints ----------------------------------------------------------------

    public void SaveArtifact(string runId, ArtifactInfo info, byte[] content) =>
        SaveFile(FileId(runId, Artifacts, info.Name), info.Name, content, new BsonDocument
        {
            ["contentType"] = info.ContentType,
            ["step"] = info.Step,
            ["group"] = info.Group is null ? BsonValue.Null : info.Group,
        });

    public IReadOnlyList<ArtifactInfo> ListArtifacts(string runId)
    {
        var prefix = $"{runId}/{Artifacts}/";
        return [.. _files.Find(f => f.Id.StartsWith(prefix))
            .Select(f => new ArtifactInfo(f.Filename, f.Metadata["contentType"].AsString, f.Metadata["step"].AsInt64,
                f.Metadata["group"].IsNull ? null : f.Metadata["group"].AsString))
            .OrderBy(a => a.Step).ThenBy(a => a.Name, StringComparer.Ordinal)];
    }

    public (ArtifactInfo Info, byte[] Content)? LoadArtifact(string runId, string name)
    {
        var id = FileId(runId, Artifacts, name);
        var file = _files.FindById(id);
        if (file is null) return null;
        var info = new ArtifactInfo(file.Filename, file.Metadata["contentType"].AsString, file.Metadata["step"].AsInt64,
            file.Metadata["group"].IsNull ? null : file.Metadata["group"].AsString);
        return (info, ReadFile(id)!);
    }

    public void SaveCheckpoint(string runId, string name, byte[] content) =>
        SaveFile(FileId(runId, Checkpoints, name), name, content, new BsonDocument { ["savedAt"] = DateTime.UtcNow });

    public byte[]? LoadCheckpoint(string runId, string name) => ReadFile(FileId(runId, Checkpoints, name));

    /// <summary>Names of the run's checkpoints (one per model role, <see cref="Vinula.Engine.Training.Checkpoint.NameFor"/>),
    /// in ordinal order: file metadata only, no content read.</summary>
    public IReadOnlyList<string> CheckpointNames(string runId)
    {
        var prefix = $"{runId}/{Checkpoints}/";
        return [.. _files.Find(f => f.Id.StartsWith(prefix)).Select(f => f.Filename).Order(StringComparer.Ordinal)];
    }

    /// <summary>Whether the run has any checkpoint, or the named one: file metadata only, no content read.</summary>
    public bool HasCheckpoint(string runId, string? name = null)
    {
        if (name is not null) return _files.Exists(FileId(runId, Checkpoints, name));
        var prefix = $"{runId}/{Checkpoints}/";
        return _files.Find(f => f.Id.StartsWith(prefix)).Any();
    }

    // ---- corpora ----------------------------------------------------------------------------------

    private const string Corpora = "corpora";

    /// <summary>Stores an uploaded corpus under a generated id; the name is for display only.</summary>
    public CorpusInfo SaveCorpus(string name, byte[] content)
    {
        var corpus = new CorpusInfo(CorpusIds.New(), name, content.Length);
        SaveCorpus(corpus, content);
        return corpus;
    }

    public void SaveCorpus(CorpusInfo corpus, byte[] content) =>
        SaveFile($"{Corpora}/{corpus.Id}", corpus.Name, content, new BsonDocument { ["uploadedAt"] = DateTime.UtcNow });

    public IReadOnlyList<CorpusInfo> ListCorpora() =>
        [.. _files.Find(f => f.Id.StartsWith(Corpora + "/")).Select(f => new CorpusInfo(f.Id[(Corpora.Length + 1)..], f.Filename, f.Length))];

    public byte[]? LoadCorpus(string id) => ReadFile($"{Corpora}/{id}");

    /// <summary>The uploaded corpus's display name, or null when there is no such corpus.</summary>
    public string? CorpusName(string id) => _files.FindById($"{Corpora}/{id}")?.Filename;

    /// <summary>Names are checked by the API (URL-safe, no '/'); here they only become part of an id.</summary>
    private static string FileId(string runId, string area, string name) => $"{runId}/{area}/{name}";

    private void SaveFile(string id, string name, byte[] content, BsonDocument metadata)
    {
        lock (_writeGate)
        {
            // Replace in one transaction: a crash keeps the old file or the new one, never half of either.
            _db.BeginTrans();
            try
            {
                using var stream = new MemoryStream(content, writable: false);
                _files.Upload(id, name, stream, metadata);
                _db.Commit();
            }
            catch
            {
                _db.Rollback();
                throw;
            }
        }
    }

    private byte[]? ReadFile(string id)
    {
        var file = _files.FindById(id);
        if (file is null) return null;
        using var stream = new MemoryStream((int)file.Length);
        file.CopyTo(stream);
        return stream.ToArray();
    }

    public void Dispose() => _db.Dispose();
}

/// <summary>The database file could not be opened; the message names the file and what to check.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
