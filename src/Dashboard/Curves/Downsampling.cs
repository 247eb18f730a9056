namespace Vinula.Dashboard.Curves;

/// <summary>
/// Thins a long series for drawing without losing its spikes: the points are cut into equal buckets by position and
/// each bucket keeps its lowest and highest point, in their order (the min/max decimation of plotting tools, e.g.
/// plotly-resampler's MinMaxAggregator). A million points become a few thousand, and every extreme a user
/// would see on the full curve is still drawn. Runs on the server, so only the kept points travel to the browser.
/// </summary>
public static class Downsampling
{
    /// <summary>Points a chart line gets at most (two per bucket): more than a chart's width in pixels.</summary>
    public const int DefaultMaxPoints = 4000;

    /// <summary>The indices of <paramref name="values"/> to keep so that at most <paramref name="maxPoints"/> remain
    /// (all of them when there are that few): first and last always, then per bucket its minimum and maximum.
    /// A bucket's first non-finite value is kept as well, one more point (a NaN or ∞ is news a user must see).</summary>
    public static int[] MinMax(IReadOnlyList<double> values, int maxPoints = DefaultMaxPoints)
    {
        var n = values.Count;
        if (n <= Math.Max(maxPoints, 4)) return [.. Enumerable.Range(0, n)];
        var buckets = Math.Max(1, (maxPoints - 2) / 2);
        var kept = new List<int>(buckets * 2 + 2) { 0 };
        for (var b = 0; b < buckets; b++)
        {
            // Buckets over the inner points 1 … n−2, as equal as integer division allows.
            var start = 1 + (int)((long)b * (n - 2) / buckets);
            var end = 1 + (int)((long)(b + 1) * (n - 2) / buckets);
            if (start >= end) continue;
            int min = start, max = start, odd = -1;
            for (var i = start; i < end; i++)
            {
                var v = values[i];
                if (!double.IsFinite(v)) { odd = odd < 0 ? i : odd; continue; }
                if (!double.IsFinite(values[min]) || v < values[min]) min = i;
                if (!double.IsFinite(values[max]) || v > values[max]) max = i;
            }
            foreach (var i in new[] { min, max, odd }.Where(i => i >= 0).Distinct().Order()) kept.Add(i);
        }
        kept.Add(n - 1);
        return [.. kept];
    }

    /// <summary>The kept elements of <paramref name="items"/>, by <see cref="MinMax"/> of their values.</summary>
    public static IReadOnlyList<T> MinMax<T>(IReadOnlyList<T> items, Func<T, double> value, int maxPoints = DefaultMaxPoints)
    {
        if (items.Count <= maxPoints) return items;
        var values = new double[items.Count];
        for (var i = 0; i < values.Length; i++) values[i] = value(items[i]);
        return [.. MinMax(values, maxPoints).Select(i => items[i])];
    }
}
