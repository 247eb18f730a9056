using Npgsql;
using NpgsqlTypes;
using Vinula.Shared.Events;
using Vinula.Shared.Runs;

namespace Vinula.Runs.Storage;

/// <summary>Metrics, logs, artifacts, checkpoints and corpora. Each metric and log row has a serial id, so "insertion
/// order" means what it does in LiteDB; files are rows with their bytes, replaced by one upsert.</summary>
public sealed partial class PostgresRunStore
{
    private const string Artifacts = "artifacts";
    private const string Checkpoints = "checkpoints";
    private const string Corpora = "corpora";

    // ---- metrics and logs -------------------------------------------------------------------------

    /// <summary>One binary COPY: a single statement, so all of the batch or none of it, and fast for the large batches
    /// a run flushes.</summary>
    public void AppendMetrics(string runId, IReadOnlyList<MetricPoint> points)
    {
        if (points.Count == 0) return;
        using var connection = _source.OpenConnection();
        using var writer = connection.BeginBinaryImport("COPY metrics (run_id, series, step, value, time) FROM STDIN (FORMAT BINARY)");
        foreach (var point in points)
        {
            writer.StartRow();
            writer.Write(runId, NpgsqlDbType.Text);
            writer.Write(point.Series, NpgsqlDbType.Text);
            writer.Write(point.Step, NpgsqlDbType.Bigint);
            writer.Write(point.Value, NpgsqlDbType.Double);
            writer.Write(Utc(point.Time), NpgsqlDbType.TimestampTz);
        }
        writer.Complete();
    }

    /// <summary>Points of a run, by series, in step order; equal steps (a resumed run's repeats) in insertion order.</summary>
    public Dictionary<string, List<MetricPoint>> Metrics(string runId)
    {
        using var command = _source.CreateCommand("SELECT series, step, value, time FROM metrics WHERE run_id = $1 ORDER BY step, id");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        var result = new Dictionary<string, List<MetricPoint>>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var series = reader.GetString(0);
            if (!result.TryGetValue(series, out var points)) result[series] = points = [];
            points.Add(new MetricPoint(series, reader.GetInt64(1), reader.GetDouble(2), reader.GetFieldValue<DateTime>(3)));
        }
        return result;
    }

    public int DeleteMetricsAfter(string runId, long step)
    {
        using var command = _source.CreateCommand("DELETE FROM metrics WHERE run_id = $1 AND step > $2");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = step });
        return command.ExecuteNonQuery();
    }

    public void AppendLog(string runId, RunLogLine line)
    {
        using var command = _source.CreateCommand("INSERT INTO logs (run_id, time, message) VALUES ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(line.Time), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = line.Message });
        command.ExecuteNonQuery();
    }

    /// <summary>By time, equal times in insertion order.</summary>
    public IReadOnlyList<RunLogLine> Logs(string runId)
    {
        using var command = _source.CreateCommand("SELECT time, message FROM logs WHERE run_id = $1 ORDER BY time, id");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        var lines = new List<RunLogLine>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) lines.Add(new RunLogLine(reader.GetFieldValue<DateTime>(0), reader.GetString(1)));
        return lines;
    }

    // ---- artifacts and checkpoints ----------------------------------------------------------------

    public void SaveArtifact(string runId, ArtifactInfo info, byte[] content) =>
        SaveFile(FileId(runId, Artifacts, info.Name), runId, Artifacts, info.Name, content, info.ContentType, info.Step, info.Group);

    public IReadOnlyList<ArtifactInfo> ListArtifacts(string runId)
    {
        using var command = _source.CreateCommand(
            "SELECT name, content_type, step, grp FROM files WHERE run_id = $1 AND area = $2 ORDER BY step, name");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = Artifacts });
        var artifacts = new List<ArtifactInfo>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) artifacts.Add(ReadArtifactInfo(reader));
        return artifacts;
    }

    public (ArtifactInfo Info, byte[] Content)? LoadArtifact(string runId, string name)
    {
        using var command = _source.CreateCommand("SELECT name, content_type, step, grp, content FROM files WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = FileId(runId, Artifacts, name) });
        using var reader = command.ExecuteReader();
        return reader.Read() ? (ReadArtifactInfo(reader), reader.GetFieldValue<byte[]>(4)) : null;
    }

    private static ArtifactInfo ReadArtifactInfo(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3));

    public void SaveCheckpoint(string runId, string name, byte[] content) =>
        SaveFile(FileId(runId, Checkpoints, name), runId, Checkpoints, name, content);

    public byte[]? LoadCheckpoint(string runId, string name) => LoadContent(FileId(runId, Checkpoints, name));

    /// <summary>In ordinal order (the name column is collated "C"); metadata only.</summary>
    public IReadOnlyList<string> CheckpointNames(string runId)
    {
        using var command = _source.CreateCommand("SELECT name FROM files WHERE run_id = $1 AND area = $2 ORDER BY name");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = Checkpoints });
        var names = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    public bool HasCheckpoint(string runId, string? name = null)
    {
        using var command = name is null
            ? _source.CreateCommand($"SELECT EXISTS (SELECT 1 FROM files WHERE run_id = $1 AND area = '{Checkpoints}')")
            : _source.CreateCommand("SELECT EXISTS (SELECT 1 FROM files WHERE id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = name is null ? runId : FileId(runId, Checkpoints, name) });
        return (bool)command.ExecuteScalar()!;
    }

    // ---- corpora ----------------------------------------------------------------------------------

    public CorpusInfo SaveCorpus(string name, byte[] content)
    {
        var corpus = new CorpusInfo(CorpusIds.New(), name, content.Length);
        SaveCorpus(corpus, content);
        return corpus;
    }

    public void SaveCorpus(CorpusInfo corpus, byte[] content) =>
        SaveFile($"{Corpora}/{corpus.Id}", null, Corpora, corpus.Name, content);

    /// <summary>In id order, as the LiteDB store lists them.</summary>
    public IReadOnlyList<CorpusInfo> ListCorpora()
    {
        using var command = _source.CreateCommand(
            $"SELECT id, name, octet_length(content) FROM files WHERE area = '{Corpora}' ORDER BY id COLLATE \"C\"");
        var corpora = new List<CorpusInfo>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) corpora.Add(new CorpusInfo(reader.GetString(0)[(Corpora.Length + 1)..], reader.GetString(1), reader.GetInt32(2)));
        return corpora;
    }

    public byte[]? LoadCorpus(string id) => LoadContent($"{Corpora}/{id}");

    public string? CorpusName(string id)
    {
        using var command = _source.CreateCommand("SELECT name FROM files WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = $"{Corpora}/{id}" });
        return command.ExecuteScalar() as string;
    }

    // ---- files ------------------------------------------------------------------------------------

    /// <summary>Names are checked by the API (URL-safe, no '/'); here they only become part of an id.</summary>
    private static string FileId(string runId, string area, string name) => $"{runId}/{area}/{name}";

    /// <summary>One upsert: a reader sees the old file or the new one, never a mix.</summary>
    private void SaveFile(string id, string? runId, string area, string name, byte[] content, string? contentType = null, long? step = null,
        string? group = null)
    {
        using var command = _source.CreateCommand("""
            INSERT INTO files (id, run_id, area, name, content, content_type, step, grp, saved_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, content = excluded.content, content_type = excluded.content_type,
                step = excluded.step, grp = excluded.grp, saved_at = excluded.saved_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)runId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = area });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = content, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)contentType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)step ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)group ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.ExecuteNonQuery();
    }

    private byte[]? LoadContent(string id)
    {
        using var command = _source.CreateCommand("SELECT content FROM files WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return command.ExecuteScalar() as byte[];
    }
}
