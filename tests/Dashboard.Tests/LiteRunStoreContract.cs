namespace Vinula.Dashboard.Tests;

/// <summary>The store contract on LiteDB, a file of its own for each test.</summary>
public sealed class LiteRunStoreContract : RunStoreContract
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vinula-store-{Guid.NewGuid():N}.db");

    protected override IRunStore Open() => new LiteRunStore(_path);

    public override void Dispose()
    {
        base.Dispose();
        foreach (var file in new[] { _path, Path.ChangeExtension(_path, null) + "-log.db" })
            if (File.Exists(file)) File.Delete(file);
    }
}
