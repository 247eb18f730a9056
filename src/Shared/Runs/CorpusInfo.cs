namespace Vinula.Shared.Runs;

/// <summary>A stored text corpus for <c>text-gan</c> runs.</summary>
public sealed record CorpusInfo(string Id, string Name, long Bytes);
