namespace Vinula.Shared.Artifacts;

/// <summary>A model's logits on a split, as stored in a run (<c>logits-&lt;role&gt;.json</c>): one row of
/// <c>Classes</c> values per example, row-major, with the example's canonical index and label.</summary>
public sealed record StoredLogits(string Role, string Split, int Classes, int[] Indices, int[] Labels, float[] Logits)
{
    /// <summary>The artifact group: the panels reload when one of these is added.</summary>
    public const string Group = "logits";

    public static string ArtifactName(string role) => $"logits-{role}.json";

    public ReadOnlySpan<float> Row(int i) => Logits.AsSpan(i * Classes, Classes);
}
