namespace Vinula.Dashboard.Curves;

/// <summary>
/// Debiased exponential moving average, as TensorBoard smooths scalars: m_k = w·m_{k−1} + (1 − w)·v_k from m_0 = 0,
/// shown as m_k / (1 − w^k). Without the division the curve starts near 0 and climbs (an EMA started at zero is biased
/// toward it; Kingma &amp; Ba 2015, §3, correct Adam's moments the same way).
/// </summary>
public static class Smoothing
{
    /// <summary>The largest weight offered: 0.99 already averages over ~100 points.</summary>
    public const double MaxWeight = 0.99;

    /// <summary>The smoothed values of <paramref name="values"/> with weight <paramref name="weight"/> (0 = none).
    /// Non-finite values pass through unchanged and do not enter the average (a NaN would poison every later point).</summary>
    public static double[] Ema(IReadOnlyList<double> values, double weight)
    {
        var w = Math.Clamp(weight, 0, MaxWeight);
        var result = new double[values.Count];
        var state = new EmaState(w);
        for (var i = 0; i < values.Count; i++) result[i] = state.Next(values[i]);
        return result;
    }
}

/// <summary>The running state of one smoothed line, so a live chart extends it point by point.</summary>
public struct EmaState(double weight)
{
    private double _last;
    private double _debias = 1; // w^k

    public readonly double Weight => weight;

    public double Next(double value)
    {
        if (!double.IsFinite(value) || weight <= 0) return value;
        _last = weight * _last + (1 - weight) * value;
        _debias *= weight;
        return _last / (1 - _debias);
    }
}
