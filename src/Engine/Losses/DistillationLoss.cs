using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Losses;

/// <summary>
/// Knowledge-distillation losses (Hinton, Vinyals &amp; Dean 2015, "Distilling the Knowledge in a Neural
/// Network", §2), exactly as PRODUCT.md writes them. z are the student's logits, v the teacher's, y the labels,
/// p_T = softmax(v/T), q_T = softmax(z/T).
/// </summary>
public static class DistillationLoss
{
    /// <summary>Both parts of a distillation loss, batch means; <c>Total</c> carries the gradient.</summary>
    public readonly record struct Parts(Tensor Total, Tensor Soft, Tensor Hard);

    /// <summary>
    /// α·T²·KL(p_T ‖ q_T) + (1−α)·CE(y, q_1), batch mean. Per example the gradient w.r.t. z is
    /// α·T·(q_T − p_T) + (1−α)·(q_1 − y): the paper's (q − p)/T for the soft cross-entropy, scaled by T² so
    /// the soft term's gradients keep their size as T changes.
    /// </summary>
    public static Parts SoftKl(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double temperature, double alpha)
    {
        var soft = SoftTargetKl(studentLogits, teacherLogits, temperature).mul(temperature * temperature);
        var hard = F.cross_entropy(studentLogits, labels);
        return new Parts(soft.mul(alpha).add(hard.mul(1 - alpha)), soft, hard);
    }

    /// <summary>
    /// The high-temperature limit: α·(1/(2N))·Σ_i ((z_i − z̄) − (v_i − v̄))² + (1−α)·CE(y, q_1), batch mean,
    /// N = number of classes. Its gradient (z − v)/N (centred) is T² times the paper's (z − v)/(N·T²).
    /// </summary>
    public static Parts LogitMse(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double alpha)
    {
        var classes = studentLogits.shape[^1];
        var zc = studentLogits - studentLogits.mean([-1], keepdim: true);
        var vc = teacherLogits - teacherLogits.mean([-1], keepdim: true);
        var soft = (zc - vc).pow(2).sum(-1).div(2.0 * classes).mean();
        var hard = F.cross_entropy(studentLogits, labels);
        return new Parts(soft.mul(alpha).add(hard.mul(1 - alpha)), soft, hard);
    }

    /// <summary>KL(p_T ‖ q_T) averaged over the batch ("batchmean": TorchSharp's kl_div has no such reduction).</summary>
    public static Tensor SoftTargetKl(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        var logQ = F.log_softmax(studentLogits.div(temperature), -1);
        var logP = F.log_softmax(teacherLogits.div(temperature), -1);
        // Σ p (log p − log q), written out: kl_div's log_target default differs from PyTorch's.
        return logP.exp().mul(logP - logQ).sum(-1).mean();
    }

    /// <summary>Softmax at temperature T: the softened distribution p_i(T) = exp(z_i/T) / Σ_j exp(z_j/T).</summary>
    public static Tensor Soften(Tensor logits, double temperature) => F.softmax(logits.div(temperature), -1);
}
