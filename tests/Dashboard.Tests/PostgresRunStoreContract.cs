using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The store contract on PostgreSQL, a schema of its own for each test (<see cref="PostgresTestSchema"/>); and
/// what only a shared database has: several stores, as several processes would hold, on the same runs.</summary>
public sealed class PostgresRunStoreContract : RunStoreContract
{
    private PostgresTestSchema? _schema;

    protected override IRunStore Open() => new PostgresRunStore((_schema ??= new PostgresTestSchema()).ConnectionString);

    [Fact]
    public void StoresOfSeveralProcessesNeverLoseAnUpdate()
    {
        Store.Insert(NewRun("a1"));
        // A store each, each with its own connection pool: as two dashboards and workers would change one run.
        var stores = Enumerable.Range(0, 4).Select(_ => Open()).ToList();
        try
        {
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
            {
                for (var i = 0; i < 25; i++)
                    stores[worker % stores.Count].Modify("a1", r => r.Summary["count"] = r.Summary.GetValueOrDefault("count") + 1);
            });
        }
        finally
        {
            stores.ForEach(s => s.Dispose());
        }

        Assert.Equal(200, Store.Get("a1")!.Summary["count"]);
    }

    [Fact]
    public void OnlyOneOfTwoStoresClaimsAQueuedRun()
    {
        Store.Insert(NewRun("a1"));
        using var other = Open();
        var stores = new[] { Store, other };

        var claims = stores.AsParallel().Select(s => s.TryModify("a1", r =>
        {
            if (r.Status != RunStatus.Queued) return false;
            r.SetStatus(RunStatus.Running, DateTime.UtcNow);
            return true;
        })).Count(r => r is not null);

        Assert.Equal(1, claims);
    }

    [Fact]
    public void AServerThatCannotBeReachedGivesAnErrorNamingHostAndDatabaseButNotThePassword()
    {
        // Port 1 on this machine: refused at once.
        var e = Assert.Throws<StorageUnavailableException>(() =>
            new PostgresRunStore("Host=127.0.0.1;Port=1;Database=team_runs;Username=vinula;Password=s3cret-phrase;Timeout=3"));

        Assert.Contains("127.0.0.1:1", e.Message);
        Assert.Contains("team_runs", e.Message);
        Assert.Contains("Deployment:PostgreSql", e.Message);
        Assert.DoesNotContain("s3cret-phrase", e.Message);
    }

    [Fact]
    public void TheLocationNamesTheDatabaseWithoutThePassword()
    {
        var server = new Npgsql.NpgsqlConnectionStringBuilder(PostgresTestSchema.Server);

        Assert.Contains($"'{server.Database}' on {server.Host}:{server.Port}", Store.Location);
        Assert.DoesNotContain("password", Store.Location, StringComparison.OrdinalIgnoreCase);
    }

    public override void Dispose()
    {
        base.Dispose();
        _schema?.Dispose();
    }
}
