namespace Vinula.Runs.Storage;

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The LiteDB file; relative paths are relative to the repository root.</summary>
    public string DatabasePath { get; set; } = "data/vinula.db";
}
