using TorchSharp;
using Vinula.Shared.Artifacts;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Analysis;

/// <summary>
/// The derivation of Hinton, Vinyals &amp; Dean 2015, §2.1, checked numerically on real logits. For the soft
/// cross-entropy C = −Σ_i p_i log q_i with p = softmax(v/T) (teacher) and q = softmax(z/T) (student):
/// ∂C/∂z_i = (q_i − p_i)/T exactly (eq. 2), and for T large compared with the logits, with zero-mean logits,
/// ≈ (z_i − v_i)/(N·T²) (eq. 4). Everything is float64: in float32, q − p is lost to cancellation at large T.
/// </summary>
public static class GradientCheck
{
    /// <param name="student">Student logits z, row-major [examples, classes].</param>
    /// <param name="teacher">Teacher logits v, same shape.</param>
    /// <param name="centre">Subtract each example's mean logit before the high-T approximation (its assumption).
    /// The exact gradient does not depend on it: softmax ignores a constant shift.</param>
    public static IReadOnlyList<GradientCheckPoint> Run(float[] student, float[] teacher, int classes,
        IReadOnlyList<double> temperatures, bool centre = true)
    {
        using var scope = torch.NewDisposeScope();
        var rows = student.Length / classes;
        var z0 = tensor(student, [rows, classes]).to(ScalarType.Float64);
        var v = tensor(teacher, [rows, classes]).to(ScalarType.Float64);
        var result = new List<GradientCheckPoint>(temperatures.Count);
        foreach (var t in temperatures)
        {
            using var step = torch.NewDisposeScope();
            var exact = Autograd(z0, v, t);
            var q = F.softmax(z0 / t, -1);
            var p = F.softmax(v / t, -1);
            var closedForm = (q - p) / t;
            var (zc, vc) = centre ? (z0 - z0.mean([-1], keepdim: true), v - v.mean([-1], keepdim: true)) : (z0, v);
            var approx = (zc - vc) / (classes * t * t);
            var (cfMedian, cfMax) = RelativeError(exact, closedForm);
            var (apMedian, apMax) = RelativeError(exact, approx);
            result.Add(new GradientCheckPoint(t, cfMedian, cfMax, apMedian, apMax));
        }
        return result;
    }

    /// <summary>∂C/∂z by autograd, per example (C summed over the batch, so rows do not mix).</summary>
    public static Tensor Autograd(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        var z = studentLogits.detach().clone().requires_grad_();
        var p = F.softmax(teacherLogits / temperature, -1);
        var loss = -(p * F.log_softmax(z / temperature, -1)).sum();
        loss.backward();
        return z.grad!.detach().clone();
    }

    /// <summary>Per example ‖g − ĝ‖ / ‖g‖; its median and max over the batch.</summary>
    public static (double Median, double Max) RelativeError(Tensor exact, Tensor estimate)
    {
        var error = (exact - estimate).norm(1, keepdim: false) / exact.norm(1, keepdim: false).clamp_min(1e-300);
        var values = error.data<double>().ToArray();
        Array.Sort(values);
        var median = values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
        return (median, values[^1]);
    }

    /// <summary>Log-spaced temperatures from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static double[] LogSpace(double from, double to, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Math.Exp(Math.Log(from) + (Math.Log(to) - Math.Log(from)) * i / (count - 1)))];
}
