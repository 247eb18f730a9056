using Vinula.Engine.Training;

namespace Vinula.Dashboard.Components.Live;

/// <summary>Softened distributions from stored logits: p_i(T) = exp(z_i/T) / Σ_j exp(z_j/T), in float64.</summary>
public static class SoftTargets
{
    public static double[] Soften(ReadOnlySpan<float> logits, double temperature)
    {
        var max = double.NegativeInfinity;
        foreach (var z in logits) max = Math.Max(max, z / temperature);
        var p = new double[logits.Length];
        double sum = 0;
        for (var i = 0; i < p.Length; i++) sum += p[i] = Math.Exp(logits[i] / temperature - max);
        for (var i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }

    /// <summary>Shannon entropy in nats; log N for a uniform distribution over N classes.</summary>
    public static double Entropy(IReadOnlyList<double> p) => -p.Where(x => x > 0).Sum(x => x * Math.Log(x));

    /// <summary>
    /// Test examples worth looking at: the ones the teacher is least sure of at T = 1 (where dark knowledge
    /// shows), then a few ordinary ones, each digit at most twice.
    /// </summary>
    public static IReadOnlyList<int> PickRows(StoredLogits teacher, int count)
    {
        var confidence = Enumerable.Range(0, teacher.Indices.Length)
            .Select(r => (Row: r, Max: Soften(teacher.Row(r), 1).Max()))
            .ToList();
        var unsure = confidence.OrderBy(c => c.Max).Select(c => c.Row);
        var ordinary = confidence.Where(c => c.Max > 0.9).Select(c => c.Row);
        var picked = new List<int>();
        var perLabel = new int[teacher.Classes];
        foreach (var row in unsure.Take(count * 4).Take(count / 2).Concat(ordinary))
        {
            if (picked.Count == count) break;
            var label = teacher.Labels[row];
            if (picked.Contains(row) || perLabel[label] >= 2) continue;
            perLabel[label]++;
            picked.Add(row);
        }
        return picked;
    }
}
