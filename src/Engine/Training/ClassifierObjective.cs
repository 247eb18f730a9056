using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Training;

/// <summary>The loss of one batch: the first term carries the gradient; the others are charted.</summary>
public readonly record struct LossTerms(Tensor Loss, params (string Name, Tensor Value)[] Parts);

/// <summary>One training batch as an objective sees it: the inputs the model saw (jittered), the labels, which
/// training rows they are, and each row's shift (null without jitter), so a teacher can be asked about the very
/// same images, or remember what it answered before.</summary>
public readonly record struct ClassifierBatch(Tensor Inputs, Tensor Labels, Tensor Rows, Tensor? Shifts, int MaxShift);

/// <summary>
/// What a <see cref="ClassifierPhase"/> minimises. Teacher and baseline use <see cref="CrossEntropy"/>; a student
/// the teacher's soft targets. An objective may keep state across steps (memoised teacher logits): it is saved
/// after the model and optimiser in the phase's checkpoint, so a resumed run is the uninterrupted one.
/// </summary>
public abstract class ClassifierObjective : IDisposable
{
    /// <summary>Plain cross-entropy on labels: the teacher's and the baseline's objective. Stateless, shared.</summary>
    public static ClassifierObjective CrossEntropy { get; } = new CrossEntropyObjective();

    public abstract LossTerms Loss(Tensor logits, ClassifierBatch batch);

    public virtual void Save(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="Save"/> wrote; a checkpoint written before the objective had state ends
    /// before it, and then there is nothing to read.</summary>
    public virtual void Load(BinaryReader reader) { }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private sealed class CrossEntropyObjective : ClassifierObjective
    {
        public override LossTerms Loss(Tensor logits, ClassifierBatch batch) => new(F.cross_entropy(logits, batch.Labels));
    }
}
