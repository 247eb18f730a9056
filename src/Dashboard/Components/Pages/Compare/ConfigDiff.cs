using System.Text.Json;

namespace Vinula.Dashboard.Components.Pages.Compare;

/// <summary>Configs flattened to dotted paths (<c>teacher.hidden</c>), and the paths whose values differ.</summary>
public static class ConfigDiff
{
    public static Dictionary<string, string> Flatten(JsonElement config)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(config, "", result);
        return result;
    }

    /// <summary>Rows (path, value per config) for the paths where not all configs agree; missing = "—".</summary>
    public static IReadOnlyList<(string Path, string[] Values)> Differences(IReadOnlyList<JsonElement> configs)
    {
        var flat = configs.Select(Flatten).ToList();
        return [.. flat.SelectMany(f => f.Keys).Distinct().Order(StringComparer.Ordinal)
            .Select(path => (path, flat.Select(f => f.GetValueOrDefault(path, "—")).ToArray()))
            .Where(row => row.Item2.Distinct().Count() > 1)];
    }

    private static void Walk(JsonElement element, string path, Dictionary<string, string> into)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
                Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", into);
            return;
        }
        // Lists of numbers (layer widths) read best as one value.
        into[path] = element.ValueKind switch
        {
            JsonValueKind.Array => $"[{string.Join(", ", element.EnumerateArray().Select(e => e.ToString()))}]",
            JsonValueKind.Null => "null",
            _ => element.ToString(),
        };
    }
}
