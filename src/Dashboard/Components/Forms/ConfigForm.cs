using Microsoft.AspNetCore.Components;

namespace Vinula.Dashboard.Components.Forms;

/// <summary>
/// What every config form shares: the engine's messages by field, the text a field could not parse, and one way
/// to apply a change and report it to the page (which validates the whole config again).
/// </summary>
public abstract class ConfigForm : ComponentBase
{
    [Parameter, EditorRequired] public FieldErrors Errors { get; set; } = new();

    /// <summary>Field text that could not become config values ("800, x"), by config path. The page owns it: it
    /// validates with it and clears it when it replaces the config (a preset, a clone).</summary>
    [Parameter, EditorRequired] public Dictionary<string, string> ParseErrors { get; set; } = [];

    [Parameter] public EventCallback Changed { get; set; }

    /// <summary>
    /// The field's message from the engine's validator. MudBlazor 9 replaces a field's Error/ErrorText with the
    /// outcome of its own validation on every change, so the message is handed over as that validation.
    /// The value is ignored: by the time the field validates, the config holds it and Errors describes it.
    /// </summary>
    protected Func<T, string?> Rule<T>(string path) => _ => MessageFor(path);

    /// <summary>What is wrong with the field at <paramref name="path"/>, in the words the form uses; null when nothing.</summary>
    internal string? MessageFor(string path) => ParseErrors.GetValueOrDefault(path) ?? Errors.For(path);

    internal Task SetAsync(Action change) => Set(change);

    protected Task Set(Action change)
    {
        change();
        return Changed.HasDelegate ? Changed.InvokeAsync() : Task.CompletedTask;
    }

    protected delegate bool ListParser<T>(string? text, out List<T> values);

    /// <summary>Applies a typed list ("800, 800") to the config, or records why it cannot.</summary>
    protected Task SetList<T>(string path, string text, ListParser<T> parse, Action<List<T>> apply, string expected)
    {
        if (parse(text, out var values))
        {
            ParseErrors.Remove(path);
            return Set(() => apply(values));
        }
        var name = path[(path.LastIndexOf('.') + 1)..];
        ParseErrors[path] = $"{(FieldLabels.For(path) is { } label ? FieldErrors.Name(path, label) : name)} must be {expected}.";
        return Set(() => { });
    }

    protected Task SetWidths(string path, string text, Action<List<int>> apply, string example) =>
        SetList<int>(path, text, WidthList.TryParse, apply, $"whole numbers separated by commas, e.g. {example}");
}
