using static TorchSharp.torch;

namespace Vinula.Engine.Training;

/// <summary>One model trained for some epochs: the runner's unit of work. <c>Role</c> prefixes its metric
/// series and summary keys (<c>teacher</c>, <c>student</c>, <c>baseline</c>, <c>d</c>, <c>g</c>).</summary>
public sealed record PhasePlan(string Role, int Epochs, int StepsPerEpoch)
{
    public long TotalSteps => (long)Epochs * StepsPerEpoch;
}

/// <summary>A named scalar a training step reports (averaged by the runner into <c>role/name</c> series).</summary>
public readonly record struct StepValue(string Name, float Value);

/// <summary>
/// What an experiment supplies for one model: a step, what happens at an epoch's end, and how to save and
/// restore its state. The runner owns the loop, the dispose scopes, cancellation, progress and checkpoints.
/// </summary>
public abstract class TrainingPhase : IDisposable
{
    protected TrainingPhase(PhasePlan plan) => Plan = plan;

    public PhasePlan Plan { get; }
    public string Role => Plan.Role;

    /// <summary>Called before an epoch's first step (set train mode, draw the epoch's data order).</summary>
    public abstract void BeginEpoch(int epoch);

    /// <summary>One optimisation step, inside the runner's dispose scope. Return the scalars to chart; the
    /// first one is the loss that must stay finite.</summary>
    public abstract IReadOnlyList<StepValue> Step(int epoch, int step);

    /// <summary>Evaluate and report at an epoch's end (under no_grad, inside a dispose scope).
    /// <paramref name="globalStep"/> is the step at the epoch's end.</summary>
    public abstract void EndEpoch(int epoch, long globalStep, RunContext context);

    /// <summary>The run paused (or finished the steps a paused run was granted) after <paramref name="globalStep"/>:
    /// draw what the user watches move (e.g. the fixed-noise sample grid) at this step. Under no_grad, inside a
    /// dispose scope; most phases draw nothing here.</summary>
    public virtual void Preview(long globalStep, RunContext context) { }

    /// <summary>After the last epoch, or when a finished phase is restored on resume: final evaluation,
    /// summary keys, stored logits. Must not depend on anything but the trained weights.</summary>
    public virtual void Complete(long globalStep, RunContext context) { }

    /// <summary>Model and optimiser state, for per-epoch checkpoints.</summary>
    public abstract void Save(BinaryWriter writer);

    public abstract void Load(BinaryReader reader);

    /// <summary>A model's weights, then its optimiser's state: the layout every phase's checkpoint uses (the model
    /// first, so a reader that wants only the weights, like teacher reuse, stops there).</summary>
    protected static void SaveState(BinaryWriter writer, TorchSharp.torch.nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        model.save(writer);
        optimizer.save_state_dict(writer);
    }

    protected static void LoadState(BinaryReader reader, TorchSharp.torch.nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        model.load(reader);
        optimizer.load_state_dict(reader);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) { }
}

/// <summary>An experiment as the runner sees it: a fixed plan of phases, built one at a time (a student
/// phase needs its trained teacher), and a final step that writes the summary.</summary>
public interface IExperimentRun : IDisposable
{
    IReadOnlyList<PhasePlan> Plan { get; }

    TrainingPhase StartPhase(PhasePlan plan, RunContext context);

    /// <summary>After a phase's <see cref="TrainingPhase.Complete"/> (also when a finished phase is restored on
    /// resume): collect what spans phases, report per-model results as they come.</summary>
    void CompletePhase(PhasePlan plan, RunContext context) { }

    /// <summary>After every phase: summary keys that span phases, final artifacts.</summary>
    void Complete(RunContext context);
}

/// <summary>The loss stopped being a number; the run fails with this message.</summary>
public sealed class DivergenceException(string message) : Exception(message);

/// <summary>Puts a tensor's values into a managed array (copying to the CPU first when needed).</summary>
public static class TensorData
{
    public static float[] ToFloats(this Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        return cpu.data<float>().ToArray();
    }
}
