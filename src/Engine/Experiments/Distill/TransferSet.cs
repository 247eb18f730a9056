using Vinula.Engine.Data;
using Vinula.Engine.Training;

namespace Vinula.Engine.Experiments.Distill;

/// <summary>
/// The student's and baseline's training digits: the run's training split without the omitted digits, then a
/// stratified subsample of <c>transferSize</c>. Hinton, Vinyals &amp; Dean (2015, §3) call it the transfer set; the
/// teacher never trains on it, only on the whole split.
/// </summary>
public static class TransferSet
{
    /// <summary>Mixed into the run's seed so the transfer set is not the same draw as <c>trainSize</c>'s subset.</summary>
    public const string Stream = "transfer";

    /// <summary>The transfer set's canonical indices, in canonical order; the same for the same seed.</summary>
    /// <param name="train">The run's training indices (the whole split, or its <c>trainSize</c> subset).</param>
    public static int[] Select(IReadOnlyList<int> train, byte[] labels, IReadOnlyCollection<int> omitDigits, int? size, int seed)
    {
        var kept = omitDigits.Count == 0 ? train : [.. train.Where(i => !omitDigits.Contains(labels[i]))];
        return size is { } n
            ? Subsets.Stratified(kept, labels, n, Seeds.Mix(seed, Seeds.Of(Stream)))
            : [.. kept];
    }

    /// <summary>Whether the run trains its students on anything but the teacher's own data.</summary>
    public static bool IsNarrowed(Shared.Experiments.DistillationConfig config) =>
        config.TransferSize is not null || config.OmitDigits is { Count: > 0 };
}
