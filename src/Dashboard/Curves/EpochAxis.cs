using Vinula.Shared.Events;

namespace Vinula.Dashboard.Curves;

/// <summary>
/// Where each model's epochs are on the run's global step. The runner writes <c>&lt;phase&gt;/epoch_seconds</c> at the
/// end of every epoch of every phase (TrainingRunner), so its steps are the phase's epoch ends e_1 &lt; e_2 &lt; …; phases
/// train one after another, so a phase starts where the one before it ended (e_0 = the last earlier epoch end, or 0).
/// A step s of that phase is at epoch x = k − 1 + (s − e_{k−1}) / (e_k − e_{k−1}) and at model step s − e_0.
/// </summary>
public static class EpochAxis
{
    private const string EpochMarker = "/epoch_seconds";

    /// <summary>A training phase: its name (a model's role, such as <c>student</c>), where it started and its epoch ends.</summary>
    public sealed record Phase(string Name, long Start, long[] Ends)
    {
        /// <summary>Steps of its last epoch, for a step past its last known end (a live run's unfinished epoch).</summary>
        public long LastLength => Ends.Length > 1 ? Ends[^1] - Ends[^2] : Math.Max(1, Ends[^1] - Start);
    }

    /// <summary>Whether a series is a phase's epoch marks (<c>&lt;phase&gt;/epoch_seconds</c>): timings, not a result.</summary>
    public static bool IsEpochMarker(string series) => series.EndsWith(EpochMarker, StringComparison.Ordinal);

    /// <summary>The model a series belongs to: its name before the first <c>/</c> (<c>student/train_loss</c> → <c>student</c>).</summary>
    public static string Model(string series) => series.Split('/')[0];

    /// <summary>The run's phases, in training order, from its epoch markers.</summary>
    public static IReadOnlyList<Phase> Phases(IReadOnlyDictionary<string, List<MetricPoint>> all)
    {
        var marked = all.Where(kv => IsEpochMarker(kv.Key) && kv.Value.Count > 0)
            .Select(kv => (Name: kv.Key[..^EpochMarker.Length], Ends: kv.Value.Select(p => p.Step).Distinct().Order().ToArray()))
            .OrderBy(p => p.Ends[0]).ToList();
        var phases = new List<Phase>(marked.Count);
        foreach (var (name, ends) in marked)
        {
            var start = marked.SelectMany(p => p.Ends).Where(e => e < ends[0]).DefaultIfEmpty(0).Max();
            phases.Add(new Phase(name, start, ends));
        }
        return phases;
    }

    /// <summary>The phase <paramref name="series"/> was recorded in: the one named like its model, else the one whose epochs
    /// span its first point (a GAN's <c>g/loss</c> and <c>d/loss</c> train in one phase). Null while that phase has
    /// not finished an epoch (a point past every known end belongs to a phase still in its first epoch).</summary>
    public static Phase? PhaseOf(string series, IReadOnlyList<MetricPoint> points, IReadOnlyList<Phase> phases)
    {
        var model = Model(series);
        if (phases.FirstOrDefault(p => p.Name == model) is { } own) return own;
        if (points.Count == 0) return null;
        var first = points[0].Step;
        return phases.FirstOrDefault(p => first > p.Start && first <= p.Ends[^1]);
    }

    /// <summary>Whether a series has (at most) one point an epoch of its phase, such as a test accuracy.</summary>
    public static bool IsEpochLevel(string series, IReadOnlyList<MetricPoint> points, IReadOnlyList<Phase> phases) =>
        points.Count > 0 && PhaseOf(series, points, phases) is { } phase && points.Count <= phase.Ends.Length;

    /// <summary>Where the phase that is training now began: after every known epoch end before <paramref name="step"/>.
    /// Gives a model's steps from 0 before its first epoch has ended.</summary>
    public static long StartBefore(long step, IReadOnlyList<Phase> phases) =>
        phases.SelectMany(p => p.Ends).Where(e => e < step).DefaultIfEmpty(0).Max();

    /// <summary>The epoch position of a step within <paramref name="phase"/>.</summary>
    public static double Position(long step, Phase phase)
    {
        var previous = phase.Start;
        var ends = phase.Ends;
        for (var k = 0; k < ends.Length; k++)
        {
            if (step <= ends[k])
                return k + (double)(step - previous) / Math.Max(1, ends[k] - previous);
            previous = ends[k];
        }
        return ends.Length + (double)(step - ends[^1]) / phase.LastLength;
    }
}
