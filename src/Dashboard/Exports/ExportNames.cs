using System.Text;

namespace Vinula.Dashboard.Exports;

/// <summary>Download file names after the run: <c>{name-slug}-{id}-{what}</c>, ASCII only so every browser and
/// shell keeps them as they are.</summary>
public static class ExportNames
{
    private const int MaxSlug = 48;

    public static string For(string runName, string runId, string what) => $"{Slug(runName)}-{runId}-{what}";

    /// <summary>Lowercase ASCII letters and digits; every other run of characters becomes one '-'.
    /// "distill T=4 α=0.9" → "distill-t-4-0-9"; a name with none of them → "run".</summary>
    public static string Slug(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
            if (slug.Length >= MaxSlug) break;
        }
        var result = slug.ToString().Trim('-');
        return result.Length == 0 ? "run" : result;
    }
}
