using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Vinula.Engine.Hosting;

namespace Vinula.Dashboard.Tests;

/// <summary>The real app on a fresh database, sharing the repository's dataset cache.</summary>
public sealed class VinulaFactory : WebApplicationFactory<Program>
{
    private readonly bool _ownsDatabase;

    public VinulaFactory() : this(NewDatabasePath(), ownsDatabase: true) { }

    private VinulaFactory(string databasePath, bool ownsDatabase)
    {
        DatabasePath = databasePath;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>On a given database, kept after disposal: a second factory on it is a restarted server.</summary>
    public static VinulaFactory OnDatabase(string databasePath) => new(databasePath, ownsDatabase: false);

    public string DatabasePath { get; }

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), $"vinula-test-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DatabasePath", DatabasePath);
        builder.UseSetting("Data:Directory", Path.Combine(RepositoryRoot.Find(), "data", "datasets"));
        builder.UseSetting("Engine:Threads", "1");
        builder.UseSetting("Engine:MaxConcurrentRuns", "1");
        // A checkpoint every epoch: these tests' epochs last milliseconds, and the resume tests stop a run after its
        // first epochs (the 10 s cadence is the runner's own test, RunnerTests).
        builder.UseSetting("Engine:CheckpointSeconds", "0");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_ownsDatabase) return;
        foreach (var file in new[] { DatabasePath, Path.ChangeExtension(DatabasePath, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }
}

/// <summary>Small, fast configs: a real run that finishes in a couple of seconds on 2 cores.</summary>
public static class TinyRuns
{
    public const string DistillConfig = """
        { "epochs": 2, "trainSize": 500, "batchSize": 100, "learningRate": 0.01,
          "teacher": { "model": "mlp", "hidden": [64], "epochs": null }, "student": { "hidden": [16] } }
        """;
}
