namespace Vinula.Shared.Artifacts;

/// <summary>What a classifier makes of a batch of generated digits: which digit each looks like, and how sure it
/// is; stored per epoch as <c>quality-eNNN.json</c> in the <see cref="Group"/> group.</summary>
public sealed record SampleQuality(int[] Histogram, double MeanConfidence)
{
    public const string Group = "quality";

    /// <summary>Digits drawn at least once: mode coverage (10 when every digit appears).</summary>
    public int ClassesCovered => Histogram.Count(c => c > 0);
}
