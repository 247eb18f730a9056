using Vinula.Shared.Artifacts;

namespace Vinula.Dashboard.Components.Live;

/// <summary>Which test digits the softened-distribution panels show.</summary>
public static class SoftTargets
{
    /// <summary>
    /// Test examples worth looking at: the ones the teacher is least sure of at T = 1 (where dark knowledge
    /// shows), then a few ordinary ones, each digit at most twice.
    /// </summary>
    public static IReadOnlyList<int> PickRows(StoredLogits teacher, int count)
    {
        var confidence = Enumerable.Range(0, teacher.Indices.Length)
            .Select(r => (Row: r, Max: SoftTargetMath.Soften(teacher.Row(r), 1).Max()))
            .ToList();
        var unsure = confidence.OrderBy(c => c.Max).Select(c => c.Row);
        var ordinary = confidence.Where(c => c.Max > 0.9).Select(c => c.Row);
        var picked = new List<int>();
        var perLabel = new int[teacher.Classes];
        // Then any others, so a weak teacher (few confident rows) still fills the panel.
        foreach (var row in unsure.Take(count / 2).Concat(ordinary).Concat(Enumerable.Range(0, teacher.Indices.Length)))
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
