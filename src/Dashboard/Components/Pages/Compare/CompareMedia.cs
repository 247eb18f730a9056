using System.Text.RegularExpressions;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Compare;

/// <summary>
/// One run's images of one artifact group, by epoch: <c>…-e003.png</c> is epoch 3's. A paused run's step previews
/// (<c>…-s0001234.png</c>) are left out, since they sit between epochs and another run has none there. An image with
/// neither (PCA's <c>reconstructions-pca.png</c>, fitted once in closed form) stands for every epoch.
/// </summary>
public sealed partial record EpochImages(IReadOnlyDictionary<int, string> ByEpoch, string? Whole)
{
    /// <summary>The last epoch with an image (0 when there is none).</summary>
    public int Epochs => ByEpoch.Count == 0 ? 0 : ByEpoch.Keys.Max();

    public bool IsEmpty => ByEpoch.Count == 0 && Whole is null;

    /// <summary>The image to show at <paramref name="epoch"/>, or null when the run has none there.</summary>
    public string? At(int epoch) => ByEpoch.TryGetValue(epoch, out var name) ? name : Whole;

    public static EpochImages Of(IEnumerable<ArtifactInfo> artifacts, string group)
    {
        var byEpoch = new Dictionary<int, string>();
        string? whole = null;
        foreach (var image in artifacts.Where(a => a.Group == group && a.Name.EndsWith(".png", StringComparison.Ordinal)).OrderBy(a => a.Step))
        {
            if (IsStepPreview(image.Name)) continue;
            if (EpochImage().Match(image.Name) is { Success: true } m) byEpoch[int.Parse(m.Groups[1].ValueSpan)] = image.Name;
            else whole = image.Name;
        }
        return new EpochImages(byEpoch, byEpoch.Count == 0 ? whole : null);
    }

    /// <summary>The groups worth comparing by epoch: those where some run has an epoch's image (so a latent walk,
    /// redrawn under one name, or a manifold per digit are not offered). Groups more runs have come first (one every
    /// run has is the default), then in the order of <see cref="Preferred"/>.</summary>
    public static IReadOnlyList<string> Groups(IReadOnlyList<IReadOnlyList<ArtifactInfo>> runs)
    {
        var perRun = runs.Select(artifacts => artifacts
            .Where(a => a.Group is not null && EpochImage().IsMatch(a.Name) && !IsStepPreview(a.Name))
            .Select(a => a.Group!).ToHashSet()).ToList();
        var all = perRun.SelectMany(g => g).Distinct().ToList();
        int Rank(string group) => Array.IndexOf(Preferred, group) is var i and >= 0 ? i : Preferred.Length;
        return [.. all
            .OrderByDescending(g => perRun.Count(r => r.Contains(g)))
            .ThenBy(Rank)
            .ThenBy(g => g, StringComparer.Ordinal)];
    }

    /// <summary>The usual groups, most telling first.</summary>
    public static readonly string[] Preferred = ["samples", "reconstructions", "manifold", "style"];

    [GeneratedRegex(@"-e(\d+)\.png$")]
    private static partial Regex EpochImage();

    /// <summary>A paused run's preview drawn at one step (<c>…-s0001234.png</c>, the engine's <c>FixedSamples.PreviewName</c>).</summary>
    public static bool IsStepPreview(string name) => StepImage().IsMatch(name);

    [GeneratedRegex(@"-s\d+\.png$")]
    private static partial Regex StepImage();
}

/// <summary>A SeqGAN run's stored samples (<see cref="TextSampleSet"/>), one set per epoch end of each phase, in step
/// order: the n-th set is the run's epoch n, counted across its phases.</summary>
public static class EpochTexts
{
    public static IReadOnlyList<ArtifactInfo> Of(IEnumerable<ArtifactInfo> artifacts) =>
        [.. artifacts.Where(a => a.Group == TextSampleSet.Group).OrderBy(a => a.Step).ThenBy(a => a.Name, StringComparer.Ordinal)];
}
