namespace Vinula.Shared.Artifacts;

/// <summary>Softened distributions from stored logits, in float64 (Hinton et al. 2015, eq. 1).</summary>
public static class SoftTargetMath
{
    /// <summary>p_i(T) = exp(z_i/T) / Σ_j exp(z_j/T), computed after subtracting the largest z/T.</summary>
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

    /// <summary>Shannon entropy in nats; log N for the uniform distribution over N classes.</summary>
    public static double Entropy(IReadOnlyList<double> p)
    {
        double h = 0;
        foreach (var x in p)
            if (x > 0) h -= x * Math.Log(x);
        return h;
    }
}
