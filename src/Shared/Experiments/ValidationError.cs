namespace Vinula.Shared.Experiments;

/// <summary>A problem with one field of a config. <c>Path</c> is a JSON path relative to the config
/// (<c>temperature</c>, <c>teacher.hidden[0]</c>); the API prefixes it with <c>config.</c>.</summary>
public sealed record ValidationError(string Path, string Message);
