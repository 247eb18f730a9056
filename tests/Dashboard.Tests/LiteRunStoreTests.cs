using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>What only the LiteDB store has: its file, its query plans, and runs written by older versions of it. The
/// rest of what it promises is in <see cref="LiteRunStoreContract"/>.</summary>
public sealed class LiteRunStoreTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vinula-lite-{Guid.NewGuid():N}.db");
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AFileThatIsNotADatabaseGivesAnErrorNamingIt()
    {
        File.WriteAllText(_path, string.Concat(Enumerable.Repeat("this is not a LiteDB file. ", 2000)));
        var e = Assert.Throws<StorageUnavailableException>(() => new LiteRunStore(_path));
        Assert.Contains(_path, e.Message);
    }

    [Fact]
    public void ATagFilterReadsTheTagIndex()
    {
        using var store = new LiteRunStore(_path);
        Assert.Contains("TagKeys", store.Plan(new RunListFilter(Tag: "baseline")));
    }

    [Fact]
    public void RunsStoredBeforeTheListIndexesAreFoundAfterReopening()
    {
        // As an older version wrote it: no TagKeys, no DurationSeconds, no search text.
        using (var db = new LiteDB.LiteDatabase(_path))
        {
            db.UserVersion = 0;
            db.GetCollection("runs").Insert(new LiteDB.BsonDocument
            {
                ["_id"] = "old", ["Name"] = "An Old Run", ["Kind"] = "vae", ["Status"] = "Completed", ["ConfigJson"] = "{}",
                ["Tags"] = new LiteDB.BsonArray(new LiteDB.BsonValue[] { "Legacy" }), ["Notes"] = "from last year",
                ["CreatedAt"] = Start, ["StartedAt"] = Start, ["FinishedAt"] = Start.AddSeconds(90),
            });
        }
        using var store = new LiteRunStore(_path);

        Assert.Equal(["old"], store.Page(new RunListFilter(Tag: "legacy"), RunSort.Default, 0, 50).Items.Select(r => r.Id));
        Assert.Equal(["old"], store.Page(new RunListFilter(Text: "last year"), RunSort.Default, 0, 50).Items.Select(r => r.Id));
        Assert.Equal(90, store.Page(new RunListFilter(), RunSort.Parse("-duration")!, 0, 50).Items.Single().DurationSeconds);
    }

    public void Dispose()
    {
        foreach (var file in new[] { _path, Path.ChangeExtension(_path, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }
}
