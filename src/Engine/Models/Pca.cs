using static TorchSharp.torch;

namespace Vinula.Engine.Models;

/// <summary>
/// Principal component analysis in closed form, float64. With the training data centred, X = U Σ Vᵀ, the best
/// rank-k reconstruction in squared error keeps the top k right singular vectors (Eckart &amp; Young 1936), and its
/// error is Σ_{i&gt;k} σ_i²: the mean per pixel is that over n·d. Computed from the d×d scatter matrix XᵀX, whose
/// eigenvalues are σ_i².
/// </summary>
public sealed class Pca : IDisposable
{
    private Pca(Tensor mean, Tensor components, double[] eigenvalues, long samples)
    {
        Mean = mean;
        Components = components;
        Eigenvalues = eigenvalues;
        Samples = samples;
    }

    /// <summary>[d], float64.</summary>
    public Tensor Mean { get; }

    /// <summary>[d, k], orthonormal columns, float64.</summary>
    public Tensor Components { get; }

    /// <summary>All eigenvalues of XᵀX (= σ_i²), largest first.</summary>
    public double[] Eigenvalues { get; }

    public long Samples { get; }

    public int K => (int)Components.shape[1];

    public static Pca Fit(Tensor data, int k)
    {
        using var scope = NewDisposeScope();
        var x = data.to(ScalarType.Float64);
        var mean = x.mean([0]);
        var centred = x - mean;
        var (values, vectors) = linalg.eigh(centred.T.matmul(centred)); // ascending
        var order = arange(values.shape[0] - 1, -1, -1, dtype: ScalarType.Int64);
        var sortedValues = values.index_select(0, order).clamp_min(0);
        var top = vectors.index_select(1, order).narrow(1, 0, k).contiguous();
        return new Pca(mean.DetachFromDisposeScope(), top.DetachFromDisposeScope(), sortedValues.data<double>().ToArray(), data.shape[0]);
    }

    /// <summary>Codes [n, k] of some images (float64).</summary>
    public Tensor Encode(Tensor data) => (data.to(ScalarType.Float64) - Mean).matmul(Components);

    /// <summary>Images back from codes, float32 as the rest of the engine.</summary>
    public Tensor Decode(Tensor codes) => (codes.matmul(Components.T) + Mean).to(ScalarType.Float32);

    /// <summary>Mean squared error per pixel of the reconstruction of <paramref name="data"/>, in float64.</summary>
    public double ReconstructionMse(Tensor data)
    {
        using var scope = NewDisposeScope();
        var x = data.to(ScalarType.Float64);
        var reconstructed = (x - Mean).matmul(Components).matmul(Components.T) + Mean;
        return (x - reconstructed).pow(2).mean().item<double>();
    }

    /// <summary>The Eckart–Young value for the training data: Σ_{i&gt;k} σ_i² / (n·d).</summary>
    public double EckartYoungMse => Eigenvalues.Skip(K).Sum() / (Samples * (double)Eigenvalues.Length);

    public void Dispose()
    {
        Mean.Dispose();
        Components.Dispose();
    }
}
