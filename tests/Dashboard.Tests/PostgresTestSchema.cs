using Npgsql;

namespace Vinula.Dashboard.Tests;

/// <summary>
/// A fresh schema in the test PostgreSQL database for one test, dropped afterwards, so tests never see each other's
/// runs and may run in parallel. The server is named by <c>VINULA_TEST_POSTGRES</c> (a connection string). When it
/// cannot be reached the test is skipped, naming how to start it; under CI (<c>CI</c> set) it fails instead, so a
/// broken setup never passes silently.
/// </summary>
public sealed class PostgresTestSchema : IDisposable
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=vinula;Password=vinula;Database=vinula_test";

    private const string HowToStart = "Start PostgreSQL with a role 'vinula' (password 'vinula', CREATEDB) and a database 'vinula_test' " +
        "as .ci/run does, or point VINULA_TEST_POSTGRES at another server (a connection string).";

    private static readonly Lazy<string?> Unreachable = new(Probe);

    private readonly string _schema = $"vinula_t_{Guid.NewGuid():N}";

    public PostgresTestSchema()
    {
        if (Unreachable.Value is { } why)
        {
            var message = $"The test PostgreSQL server ({Describe(Server)}) cannot be reached: {why.TrimEnd('.')}. {HowToStart}";
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Assert.Fail(message);
            Assert.Skip(message);
        }
        Execute($"CREATE SCHEMA {_schema}");
        ConnectionString = new NpgsqlConnectionStringBuilder(Server) { SearchPath = _schema }.ConnectionString;
    }

    /// <summary>The server with this test's schema as the search path.</summary>
    public string ConnectionString { get; }

    public static string Server => Environment.GetEnvironmentVariable("VINULA_TEST_POSTGRES") is { Length: > 0 } configured
        ? configured
        : DefaultConnectionString;

    private static string Describe(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{settings.Host}:{settings.Port}, database '{settings.Database}', user '{settings.Username}'";
    }

    /// <summary>Once per test run: a stopped server refuses at once, a wrong host waits out the short timeout.</summary>
    private static string? Probe()
    {
        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Timeout = 5 }.ConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or ArgumentException)
        {
            return e.Message;
        }
    }

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        // The test's stores are closed by now; a connection still pooled elsewhere does not hold the schema.
        Execute($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }
}
