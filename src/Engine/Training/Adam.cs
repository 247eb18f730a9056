using TorchSharp;
using TorchSharp.Modules;
using ParamGroup = TorchSharp.Modules.Adam.ParamGroup;
using Options = TorchSharp.Modules.Adam.Options;
using State = TorchSharp.Modules.Adam.State;
using static TorchSharp.torch;

namespace Vinula.Engine.Training;

/// <summary>
/// TorchSharp's Adam with the same update, state and checkpoint layout, but every scalar it passes to libtorch
/// created explicitly and kept alive until the call returns. TorchSharp's own <c>step()</c> converts doubles to
/// <c>Scalar</c>s implicitly and leaves them to the garbage collector; a collection triggered by another thread can
/// finalize one while libtorch still reads it. Seen here: runs failing inside <c>Adam.step</c> with "Expected false
/// to be true … toFloat at c10/core/Scalar.h:140" while a browser page made garbage (cf. TorchSharp PRs #1434, #1496).
/// Kingma &amp; Ba 2015, Algorithm 1, in PyTorch's form: p ← p − lr/(1−β₁ᵗ) · m / (√v / √(1−β₂ᵗ) + ε).
/// Named <c>Adam</c> on purpose: TorchSharp writes and checks the optimiser's type name in its state, so checkpoints
/// written before this class existed (and after) load either way.
/// </summary>
public sealed class Adam : TorchSharp.Modules.Adam
{
    public Adam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2 = 0.999, double eps = 1e-8)
        : base(parameters, lr, beta1, beta2, eps)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var (beta1, beta2, eps, lr) = (options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.LearningRate!.Value);
        using var b1 = beta1.ToScalar();
        using var b2 = beta2.ToScalar();
        using var oneMinusB1 = (1 - beta1).ToScalar();
        using var oneMinusB2 = (1 - beta2).ToScalar();
        using var epsilon = eps.ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            var biasCorrection2 = 1 - Math.Pow(beta2, state.step);

            state.exp_avg.mul_(b1).add_(grad, oneMinusB1);
            state.exp_avg_sq.mul_(b2).addcmul_(grad, grad, oneMinusB2);
            using var sqrtCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (-lr / biasCorrection1).ToScalar();
            using var root = state.exp_avg_sq.sqrt();
            using var denom = root.div(sqrtCorrection2).add_(epsilon);
            param.addcdiv_(state.exp_avg, denom, stepSize);
        }
    }, closure);
}
