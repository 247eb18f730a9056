using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;

namespace Vinula.Runs.Team;

/// <summary>The team's job queue: Hangfire's PostgreSQL storage in its own schema of the team's database.</summary>
public static class TeamJobStorage
{
    /// <summary>Any fixed number, the same in every process of a team: the key of the lock below.</summary>
    private const long InstallLock = 7365102;

    /// <summary>
    /// Hangfire's storage, made while holding a PostgreSQL advisory lock: the storage installs or upgrades its schema
    /// when it is made, with no lock of its own, and the processes of a team starting at once on a fresh database
    /// raced ("could not find tuple for constraint", logged as a failure, then retried). One at a time, each finds
    /// the schema its predecessor made.
    /// </summary>
    public static IGlobalConfiguration UseVinulaJobStorage(this IGlobalConfiguration configuration, DeploymentOptions deployment)
    {
        using var connection = new NpgsqlConnection(deployment.PostgreSql);
        connection.Open();
        Execute(connection, $"SELECT pg_advisory_lock({InstallLock})");
        try
        {
            return configuration.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(deployment.PostgreSql), new PostgreSqlStorageOptions
            {
                SchemaName = deployment.JobSchema,
                // A queued run starts at once: an enqueue NOTIFYs the waiting workers (PostgreSQL LISTEN) instead of
                // their polling every 15 s (the storage's default), so a free worker starts it within about a second
                // (BENCHMARKS.md, "Team mode").
                EnableLongPolling = true,
                // A run's job may train for hours: its worker keeps renewing the claim, so no other worker fetches it
                // while it lives. (A fetch after a dead worker finds the run interrupted and ends at once.)
                UseSlidingInvisibilityTimeout = true,
            });
        }
        finally
        {
            Execute(connection, $"SELECT pg_advisory_unlock({InstallLock})");
        }
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
