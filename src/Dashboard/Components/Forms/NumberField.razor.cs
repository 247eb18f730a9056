using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Vinula.Dashboard.Components.Forms;

/// <summary>
/// A config number (<c>int</c>, <c>int?</c>, <c>double</c>, <c>double?</c>) in a text box. Text that parses is applied
/// to the config; text that does not (empty for a required number, <c>abc</c>, <c>2.5</c> for a whole number) is
/// kept as typed and recorded as the form's parse error for <see cref="Path"/>, so Start stays disabled and the
/// message names the field by its label. A MudNumericField turned such text into 0 without a word.
/// </summary>
public partial class NumberField<T>
{
    private static readonly Dictionary<string, object?> NoAttributes = [];
    private string? _typed;

    [Parameter, EditorRequired] public ConfigForm Form { get; set; } = default!;

    /// <summary>The config path (<c>learningRate</c>, <c>teacher.epochs</c>), as the engine's messages name it.</summary>
    [Parameter, EditorRequired] public string Path { get; set; } = "";

    [Parameter, EditorRequired] public string Label { get; set; } = "";

    [Parameter, EditorRequired] public T Value { get; set; } = default!;

    /// <summary>Puts a parsed value into the config.</summary>
    [Parameter, EditorRequired] public Action<T> Apply { get; set; } = default!;

    [Parameter] public string? HelperText { get; set; }

    [Parameter] public bool Disabled { get; set; }

    [Parameter(CaptureUnmatchedValues = true)] public Dictionary<string, object?>? Attributes { get; set; }

    private static bool IsWhole => Nullable.GetUnderlyingType(typeof(T)) is { } u ? u == typeof(int) : typeof(T) == typeof(int);

    private static bool IsOptional => Nullable.GetUnderlyingType(typeof(T)) is not null;

    /// <summary>What the user typed while it still stands for the value (or cannot be parsed); otherwise the value.</summary>
    private string Shown =>
        _typed is not null && (Form.ParseErrors.ContainsKey(Path) || (TryParse(_typed, out var parsed, out _) && Equals(parsed, Value)))
            ? _typed
            : Format(Value);

    protected override void OnParametersSet() => Form.Errors.Label(Path, Label);

    private Task OnTextAsync(string? text)
    {
        _typed = text ?? "";
        if (TryParse(_typed, out var value, out var problem))
        {
            Form.ParseErrors.Remove(Path);
            return Form.SetAsync(() => Apply(value));
        }
        Form.ParseErrors[Path] = $"{FieldErrors.Name(Path, Label)}: {problem}.";
        return Form.SetAsync(() => { });
    }

    /// <summary>Invariant culture (a point for decimals), as the config and the API use.</summary>
    public static bool TryParse(string text, out T value, out string problem)
    {
        value = default!;
        problem = "";
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            if (IsOptional) return true;
            problem = IsWhole ? "enter a whole number" : "enter a number";
            return false;
        }
        if (IsWhole)
        {
            if (int.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var whole))
            {
                value = (T)(object)whole;
                return true;
            }
            problem = double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? $"'{trimmed}' is not a whole number"
                : $"'{trimmed}' is not a number";
            return false;
        }
        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            value = (T)(object)number;
            return true;
        }
        problem = $"'{trimmed}' is not a number";
        return false;
    }

    private static string Format(T value) => value switch
    {
        null => "",
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
