namespace Vinula.Engine.Data;

/// <summary>Loads each dataset once per process and hands the same immutable copy to every run. A failed
/// load (npm missing, say) is not remembered: the next run tries again.</summary>
public sealed class DatasetCatalog(DataOptions options)
{
    private readonly Lock _gate = new();
    private volatile MnistData? _mnist;

    public DataOptions Options { get; } = options;

    public MnistData Mnist
    {
        get
        {
            if (_mnist is { } loaded) return loaded;
            lock (_gate)
                return _mnist ??= MnistLoader.Load(Options);
        }
    }
}
