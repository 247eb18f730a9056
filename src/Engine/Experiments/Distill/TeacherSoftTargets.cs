using System.Runtime.InteropServices;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Losses;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.Distill;

/// <summary>
/// A student's objective: the teacher's soft targets (or centred logits) on the student's own batch, jitter included,
/// blended with the hard labels by α (<see cref="DistillationLoss"/>). The teacher is frozen and in eval mode, so its
/// logits are a function of the image alone, and an image is one of a few: a training row moved by one of
/// (2·jitter + 1)² whole-pixel shifts. The logits are remembered per (row, shift) and each is computed once, as Fast
/// Knowledge Distillation stores a teacher's soft labels per crop (Shen &amp; Xing 2022, "A Fast Knowledge
/// Distillation Framework for Visual Recognition", §3). With the default 2-pixel jitter, 40 epochs ask the teacher
/// about ~20 of the 25 shifts of each digit instead of 40 times; without jitter, once per digit. The memo is part of
/// the student's checkpoint, so a resumed run asks the teacher exactly what the uninterrupted run asked.
/// </summary>
/// <param name="rows">The training rows a batch can name (the transfer set's size).</param>
/// <param name="maxShift">The phase's jitter in pixels (0: none).</param>
public sealed class TeacherSoftTargets(nn.Module<Tensor, Tensor> teacher, DistillLoss loss, double temperature, double alpha,
    long rows, int maxShift) : ClassifierObjective
{
    private Tensor? _logits; // [rows × shifts, classes], allocated with the first batch, on its device
    private Tensor? _known;  // [rows × shifts], bool

    /// <summary>How many (row, shift) logits the teacher was asked for so far.</summary>
    public long Remembered => _known is null ? 0 : _known.sum().item<long>();

    public override LossTerms Loss(Tensor logits, ClassifierBatch batch)
    {
        var v = TeacherLogits(batch);
        var parts = loss == DistillLoss.SoftKl
            ? DistillationLoss.SoftKl(logits, v, batch.Labels, temperature, alpha)
            : DistillationLoss.LogitMse(logits, v, batch.Labels, alpha);
        return new LossTerms(parts.Total, ("soft_loss", parts.Soft), ("hard_loss", parts.Hard));
    }

    /// <summary>The teacher's logits for the batch's images: remembered ones gathered, the others computed on those
    /// images only (in the batch's order, so a run asks the same questions in the same groups every time).</summary>
    public Tensor TeacherLogits(ClassifierBatch batch)
    {
        using var _ = torch.no_grad();
        var keys = batch.Rows * Jitter.Count(maxShift) + Jitter.Codes(batch.Shifts, maxShift, batch.Rows.shape[0], batch.Inputs.device);
        _known ??= zeros([rows * Jitter.Count(maxShift)], ScalarType.Bool, batch.Inputs.device).DetachFromDisposeScope();
        var missing = _known.index_select(0, keys).logical_not().nonzero().squeeze(1);
        if (missing.shape[0] > 0)
        {
            teacher.eval();
            var computed = teacher.forward(batch.Inputs.index_select(0, missing));
            var missingKeys = keys.index_select(0, missing);
            _logits ??= zeros([_known.shape[0], computed.shape[1]], computed.dtype, computed.device).DetachFromDisposeScope();
            _logits.index_copy_(0, missingKeys, computed);
            _known.index_fill_(0, missingKeys, true);
        }
        return _logits!.index_select(0, keys);
    }

    public override void Save(BinaryWriter writer)
    {
        var filled = _known is not null && _logits is not null;
        writer.Write(filled);
        if (!filled) return;
        writer.Write(_logits!.shape[0]);
        writer.Write(_logits.shape[1]);
        using var scope = torch.NewDisposeScope(); // the runner saves outside any step's scope
        writer.Write(_known!.to(ScalarType.Byte).cpu().data<byte>().ToArray());
        writer.Write(MemoryMarshal.AsBytes(_logits.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray().AsSpan()));
    }

    public override void Load(BinaryReader reader)
    {
        Release();
        if (reader.BaseStream.Position >= reader.BaseStream.Length || !reader.ReadBoolean()) return;
        var (size, classes) = (reader.ReadInt64(), reader.ReadInt64());
        var known = reader.ReadBytes(checked((int)size));
        var values = MemoryMarshal.Cast<byte, float>(reader.ReadBytes(checked((int)(size * classes * sizeof(float))))).ToArray();
        var device = teacher.parameters().First().device;
        using var scope = torch.NewDisposeScope();
        _known = torch.tensor(known, ScalarType.Byte).to(ScalarType.Bool).to(device).DetachFromDisposeScope();
        _logits = torch.tensor(values, [size, classes]).to(device).DetachFromDisposeScope();
    }

    private void Release()
    {
        _known?.Dispose();
        _logits?.Dispose();
        (_known, _logits) = (null, null);
    }

    public override void Dispose()
    {
        Release();
        base.Dispose();
    }
}
