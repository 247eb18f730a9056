namespace Vinula.Dashboard.Components.Forms;

/// <summary>Validation messages by config path (<c>temperature</c>, <c>teacher.hidden[0]</c>), for the fields to show.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string> _byPath = new(StringComparer.Ordinal);

    public int Count => _byPath.Count;

    public void Clear() => _byPath.Clear();

    public void Set(string path, string message) => _byPath[path] = message;

    /// <summary>The message for a field, including its elements (<c>teacher.hidden</c> covers <c>teacher.hidden[1]</c>).</summary>
    public string? For(string path) =>
        _byPath.TryGetValue(path, out var message) ? message
        : _byPath.FirstOrDefault(kv => kv.Key.StartsWith(path + "[", StringComparison.Ordinal)).Value;

    public bool Has(string path) => For(path) is not null;

    public IEnumerable<KeyValuePair<string, string>> All => _byPath;
}

/// <summary>Layer widths typed as "800, 800".</summary>
public static class WidthList
{
    public static string Format(IEnumerable<int> widths) => string.Join(", ", widths);

    public static bool TryParse(string? text, out List<int> widths)
    {
        widths = [];
        if (string.IsNullOrWhiteSpace(text)) return true; // no hidden layer: a linear model
        foreach (var part in text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var w)) return false;
            widths.Add(w);
        }
        return true;
    }
}

/// <summary>Numbers typed as "1, 2, 5.5" (invariant culture: the decimal separator is a point).</summary>
public static class NumberList
{
    public static bool TryParse(string? text, out List<double> values)
    {
        values = [];
        foreach (var part in (text ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)) return false;
            values.Add(v);
        }
        return true;
    }
}
