namespace Vinula.Shared.Artifacts;

/// <summary>Test-set codes in two dimensions, as stored in <c>latent-codes.json</c>: the code itself when it is 2-D,
/// otherwise its projection on the codes' own first two principal components.</summary>
public sealed record LatentCodes(float[] X, float[] Y, int[] Labels, bool Projected, double ExplainedVariance)
{
    public const string ArtifactName = "latent-codes.json";
    public const string Group = "latent";
}
