namespace Vinula.Dashboard.Components.Forms;

/// <summary>
/// Validation messages by config path (<c>temperature</c>, <c>teacher.hidden[0]</c>), for the fields to show. The
/// engine names fields by their JSON path (<c>batchSize must be…</c>); the form shows labels, so a message that
/// starts with a field's JSON name is reworded with the label its field registered (<c>Batch size must be…</c>).
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);

    /// <summary>How many fields need attention: a list's elements and the list are one field.</summary>
    public int Count => _byPath.Keys.Select(FieldOf).Distinct(StringComparer.Ordinal).Count();

    public void Clear() => _byPath.Clear();

    public void Set(string path, string message) => _byPath[path] = Relabel(path, message);

    /// <summary>The label the form shows for the field at <paramref name="path"/> (kept across <see cref="Clear"/>).</summary>
    public void Label(string path, string label) => _labels[path] = label;

    /// <summary>The message for a field, including its elements (<c>teacher.hidden</c> covers <c>teacher.hidden[1]</c>).</summary>
    public string? For(string path) =>
        _byPath.TryGetValue(path, out var message) ? message
        : _byPath.FirstOrDefault(kv => kv.Key.StartsWith(path + "[", StringComparison.Ordinal)).Value;

    public bool Has(string path) => For(path) is not null;

    public IEnumerable<KeyValuePair<string, string>> All => _byPath;

    /// <summary>The messages, one per field (a list's first wrong element speaks for the list).</summary>
    public IEnumerable<string> Messages => _byPath.GroupBy(kv => FieldOf(kv.Key), StringComparer.Ordinal).Select(g => g.First().Value);

    /// <summary><c>teacher.hidden[1]</c> → <c>teacher.hidden</c>.</summary>
    private static string FieldOf(string path) => path.IndexOf('[') is var i and > 0 ? path[..i] : path;

    private string Relabel(string path, string message)
    {
        var field = FieldOf(path);
        var label = _labels.GetValueOrDefault(field) ?? FieldLabels.For(field);
        if (label is null) return message;
        var jsonName = path[(path.LastIndexOf('.') + 1)..]; // what the engine calls it: "hidden[0]", "batchSize"
        if (!message.StartsWith(jsonName + " ", StringComparison.Ordinal)) return message;
        var element = path.Length > field.Length && int.TryParse(path[(field.Length + 1)..^1], out var index) ? $" (entry {index + 1})" : "";
        return $"{Name(field, label)}{element}{message[jsonName.Length..]}";
    }

    /// <summary>How a message names a field: its label without the hint in brackets, with the model it belongs to
    /// (<c>teacher.epochs</c>, "Epochs (empty: the run's epochs)" → "Teacher epochs").</summary>
    public static string Name(string path, string label)
    {
        var name = label.IndexOf(" (", StringComparison.Ordinal) is var i and > 0 ? label[..i] : label;
        var dot = path.LastIndexOf('.');
        if (dot <= 0) return name;
        var owner = path[..dot];
        if (name.Contains(owner, StringComparison.OrdinalIgnoreCase)) return name;
        return $"{char.ToUpperInvariant(owner[0])}{owner[1..]} {(name.Length > 1 && char.IsLower(name[1]) ? char.ToLowerInvariant(name[0]) + name[1..] : name)}";
    }
}

/// <summary>The labels of fields that are not <see cref="NumberField{T}"/>s (lists typed as text), by config path.</summary>
public static class FieldLabels
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["hidden"] = "Hidden layers",
        ["teacher.hidden"] = "Teacher hidden layers",
        ["student.hidden"] = "Student hidden layers",
        ["teacher.channels"] = "Teacher convolution channels",
        ["student.channels"] = "Student convolution channels",
        ["temperatures"] = "Temperatures",
        ["seeds"] = "Seeds",
        ["omitDigits"] = "Omitted digits",
    };

    public static string? For(string path) => Labels.GetValueOrDefault(path);
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
