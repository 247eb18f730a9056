using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Runs.Storage;

/// <summary>
/// Every run, its metrics, logs, artifacts and checkpoints, in one PostgreSQL database that several dashboards and
/// workers share. A run is a JSON document plus the columns the run list filters and sorts on (kept in step on every
/// write); changes to a run lock its row, so a compare-and-set holds across processes. Connections come from one
/// pool per store; the instance is shared by all threads.
/// </summary>
public sealed partial class PostgresRunStore : IRunStore
{
    private readonly NpgsqlDataSource _source;

    public PostgresRunStore(string connectionString)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new StorageUnavailableException($"The PostgreSQL connection string is not valid: {e.Message} " +
                "Check Deployment:PostgreSql.", e);
        }
        Location = $"the PostgreSQL database '{settings.Database}' on {settings.Host}:{settings.Port}" +
            (string.IsNullOrEmpty(settings.SearchPath) ? "" : $" (schema '{settings.SearchPath}')");
        _source = NpgsqlDataSource.Create(settings);
        try
        {
            CreateSchema();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            _source.Dispose();
            throw new StorageUnavailableException($"{Capitalized(Location)} cannot be reached: {e.Message} " +
                "Check Deployment:PostgreSql (host, port, database, user, password), that the server runs and accepts " +
                "connections from this machine, and that the user may create tables in the database.", e);
        }
    }

    /// <summary>Names host, port and database; never the password.</summary>
    public string Location { get; }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>Idempotent, and serialized by an advisory lock: two processes starting at once would otherwise race
    /// on <c>CREATE TABLE IF NOT EXISTS</c>, which is not safe against itself.</summary>
    private void CreateSchema()
    {
        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, "SELECT pg_advisory_xact_lock(7365101)");
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS runs (
                id text PRIMARY KEY,
                doc jsonb NOT NULL,
                kind text COLLATE "C" NOT NULL,
                status text COLLATE "C" NOT NULL,
                created_at timestamptz NOT NULL,
                name_lower text COLLATE "C" NOT NULL,
                duration_seconds double precision,
                tag_keys text[] NOT NULL,
                search_text text NOT NULL,
                summary jsonb NOT NULL);
            CREATE INDEX IF NOT EXISTS runs_kind ON runs (kind);
            CREATE INDEX IF NOT EXISTS runs_status ON runs (status);
            CREATE INDEX IF NOT EXISTS runs_created_at ON runs (created_at);
            CREATE INDEX IF NOT EXISTS runs_name_lower ON runs (name_lower);
            CREATE INDEX IF NOT EXISTS runs_duration ON runs (duration_seconds);
            CREATE INDEX IF NOT EXISTS runs_tag_keys ON runs USING gin (tag_keys);

            CREATE TABLE IF NOT EXISTS metrics (
                id bigserial PRIMARY KEY,
                run_id text NOT NULL,
                series text NOT NULL,
                step bigint NOT NULL,
                value double precision NOT NULL,
                time timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS metrics_run ON metrics (run_id, step, id);

            CREATE TABLE IF NOT EXISTS logs (
                id bigserial PRIMARY KEY,
                run_id text NOT NULL,
                time timestamptz NOT NULL,
                message text NOT NULL);
            CREATE INDEX IF NOT EXISTS logs_run ON logs (run_id);

            CREATE TABLE IF NOT EXISTS files (
                id text PRIMARY KEY,
                run_id text,
                area text NOT NULL,
                name text COLLATE "C" NOT NULL,
                content bytea NOT NULL,
                content_type text,
                step bigint,
                grp text,
                saved_at timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS files_run ON files (run_id, area);
            CREATE INDEX IF NOT EXISTS files_area ON files (area);
            """);
        transaction.Commit();
    }

    // ---- runs -------------------------------------------------------------------------------------

    private const string RunColumns = "doc, kind, status, created_at, name_lower, duration_seconds, tag_keys, search_text, summary";

    public void Insert(RunDocument run)
    {
        using var command = _source.CreateCommand($"INSERT INTO runs (id, {RunColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        AddRunParameters(command.Parameters, run);
        command.ExecuteNonQuery();
    }

    public RunDocument? Modify(string id, Action<RunDocument> change) => TryModify(id, run =>
    {
        change(run);
        return true;
    });

    /// <summary>A compare-and-set across processes: the row stays locked (<c>FOR UPDATE</c>) from the read to the
    /// write, so a second dashboard or a worker changing the same run waits and then sees this change.</summary>
    public RunDocument? TryModify(string id, Func<RunDocument, bool> change)
    {
        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        RunDocument run;
        using (var read = new NpgsqlCommand("SELECT doc FROM runs WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = id });
            if (read.ExecuteScalar() is not string json) return null;
            run = FromJson(json);
        }
        if (!change(run)) return null; // disposing the transaction rolls back and releases the lock
        using var write = new NpgsqlCommand($"UPDATE runs SET ({RunColumns}) = ($2, $3, $4, $5, $6, $7, $8, $9, $10) WHERE id = $1",
            connection, transaction);
        AddRunParameters(write.Parameters, run);
        write.ExecuteNonQuery();
        transaction.Commit();
        return run;
    }

    public RunDocument? Get(string id) => Runs("WHERE id = $1", id).SingleOrDefault();

    public bool Exists(string id)
    {
        using var command = _source.CreateCommand("SELECT EXISTS (SELECT 1 FROM runs WHERE id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (bool)command.ExecuteScalar()!;
    }

    public IReadOnlyList<RunDocument> All() => Runs("ORDER BY created_at");

    public IReadOnlyList<RunDocument> WithStatus(RunStatus status) => Runs("WHERE status = $1 ORDER BY created_at", status.ToString());

    /// <summary>Deletes a run with everything it stored, in one transaction.</summary>
    public void Delete(string id)
    {
        using var connection = _source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        foreach (var table in new[] { "metrics", "logs", "files" })
            Execute(connection, $"DELETE FROM {table} WHERE run_id = $1", id);
        Execute(connection, "DELETE FROM runs WHERE id = $1", id);
        transaction.Commit();
    }

    private List<RunDocument> Runs(string where, params object[] values)
    {
        using var command = _source.CreateCommand($"SELECT doc FROM runs {where}");
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return ReadRuns(command);
    }

    private static List<RunDocument> ReadRuns(NpgsqlCommand command)
    {
        var runs = new List<RunDocument>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) runs.Add(FromJson(reader.GetString(0)));
        return runs;
    }

    private static RunDocument FromJson(string json) =>
        JsonSerializer.Deserialize<RunDocument>(json, VinulaJson.Options)
        ?? throw new InvalidDataException("A run stored as JSON null.");

    /// <summary>The id, the document, and the list's columns derived from it, as $1…$10 in <see cref="RunColumns"/>'s order.</summary>
    private static void AddRunParameters(NpgsqlParameterCollection parameters, RunDocument run)
    {
        parameters.Add(new NpgsqlParameter { Value = run.Id });
        parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(run, VinulaJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
        parameters.Add(new NpgsqlParameter { Value = run.Kind });
        parameters.Add(new NpgsqlParameter { Value = run.Status.ToString() });
        parameters.Add(new NpgsqlParameter { Value = Utc(run.CreatedAt), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter { Value = run.Name.ToLowerInvariant() });
        parameters.Add(new NpgsqlParameter { Value = (object?)run.DurationSeconds ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });
        parameters.Add(new NpgsqlParameter { Value = run.TagKeys.Distinct().ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = RunSearchText.Of(run) });
        parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(run.Summary, VinulaJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
    }

    /// <summary>timestamptz takes UTC only; a time without a kind is taken to be UTC already (as the engine writes it).</summary>
    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private static int Execute(NpgsqlConnection connection, string sql, params object[] values)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command.ExecuteNonQuery();
    }

    public void Dispose() => _source.Dispose();
}
