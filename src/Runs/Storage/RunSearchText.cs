namespace Vinula.Runs.Storage;

/// <summary>
/// What the run list's free text is searched in, for one run: its name, id, kind, tags and notes, lower-cased. One
/// definition for every store, so a search finds the same runs whichever database holds them.
/// </summary>
internal static class RunSearchText
{
    /// <summary>Separates the fields, so no search text matches across two of them.</summary>
    public const char FieldSeparator = '\u001f';

    public static string Of(RunDocument run) =>
        string.Join(FieldSeparator, [run.Name, run.Id, run.Kind, .. run.Tags, run.Notes ?? ""]).ToLowerInvariant();
}
