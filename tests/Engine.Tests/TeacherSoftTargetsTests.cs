using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments.Distill;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Tests;

/// <summary>The student's objective remembers the frozen teacher's logits per (row, shift): what it hands back must be
/// what the teacher says about that very image, each image is asked once, and the memo survives a checkpoint.</summary>
public class TeacherSoftTargetsTests
{
    private const int Rows = 40;

    private static (Cnn Teacher, Tensor Images) Setup()
    {
        using var random = Seeds.Generator(3);
        var teacher = new Cnn(MnistData.Side, [4], [16], MnistData.Classes, dropout: 0.5).Initialise(random);
        teacher.eval();
        return (teacher, rand([Rows, MnistData.Pixels], generator: random));
    }

    /// <summary>A batch of the given rows, jittered by 1 pixel at most, drawn from <paramref name="random"/>.</summary>
    private static ClassifierBatch Batch(Tensor images, long[] rows, torch.Generator random)
    {
        var r = tensor(rows);
        var shifts = Jitter.Draw(rows.Length, 1, CPU, random);
        return new ClassifierBatch(Jitter.Apply(images.index_select(0, r), MnistData.Side, shifts), zeros([rows.Length], ScalarType.Int64), r, shifts, 1);
    }

    [Fact]
    public void RememberedLogitsAreTheTeachersAnswerForThatVeryImage()
    {
        var (teacher, images) = Setup();
        using var _ = teacher;
        using var objective = new TeacherSoftTargets(teacher, DistillLoss.SoftKl, 4, 0.9, Rows, maxShift: 1);
        using var random = Seeds.Generator(5);
        var asked = new HashSet<(long, long, long)>();
        for (var step = 0; step < 30; step++) // 30 batches of 16 rows over 40 rows × 9 shifts: many repeats
        {
            using var scope = NewDisposeScope();
            var rows = Enumerable.Range(0, 16).Select(i => (long)((step * 7 + i * 3) % Rows)).Distinct().ToArray();
            var batch = Batch(images, rows, random);
            var remembered = objective.TeacherLogits(batch);
            using (no_grad())
                Assert.True(remembered.allclose(teacher.forward(batch.Inputs), rtol: 1e-4, atol: 1e-5), $"step {step}");
            var shifts = batch.Shifts!.data<long>().ToArray();
            for (var i = 0; i < rows.Length; i++) asked.Add((rows[i], shifts[2 * i], shifts[2 * i + 1]));
        }
        Assert.Equal(asked.Count, objective.Remembered); // one question per distinct image, however often it came
        Assert.True(asked.Count < 30 * 16, "the batches repeat images, so the memo saved teacher forwards");
    }

    [Fact]
    public void TheMemoSurvivesACheckpoint()
    {
        var (teacher, images) = Setup();
        using var _ = teacher;
        using var first = new TeacherSoftTargets(teacher, DistillLoss.SoftKl, 4, 0.9, Rows, maxShift: 1);
        using var random = Seeds.Generator(5);
        var batch = Batch(images, [1, 5, 9, 20, 33], random);
        var expected = first.TeacherLogits(batch);

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) first.Save(writer);
        stream.Position = 0;
        using var second = new TeacherSoftTargets(teacher, DistillLoss.SoftKl, 4, 0.9, Rows, maxShift: 1);
        using (var reader = new BinaryReader(stream)) second.Load(reader);

        Assert.Equal(5, second.Remembered);
        // Asked again without the teacher: set its weights to zero, and the remembered answers still come back.
        using (no_grad()) foreach (var p in teacher.parameters()) p.zero_();
        Assert.True(second.TeacherLogits(batch).eq(expected).all().item<bool>());
    }

    [Fact]
    public void ACheckpointWithoutAMemoLoadsEmpty()
    {
        var (teacher, _) = Setup();
        using var __ = teacher;
        using var objective = new TeacherSoftTargets(teacher, DistillLoss.SoftKl, 4, 0.9, Rows, maxShift: 1);
        using var reader = new BinaryReader(new MemoryStream([]));
        objective.Load(reader); // a student checkpoint from before the memo ends after the optimiser
        Assert.Equal(0, objective.Remembered);
    }

    [Fact]
    public void EveryShiftHasItsOwnCode()
    {
        var all = Enumerable.Range(-2, 5).SelectMany(x => Enumerable.Range(-2, 5).Select(y => new long[] { x, y })).SelectMany(p => p).ToArray();
        using var shifts = tensor(all, [25, 2]);
        var codes = Jitter.Codes(shifts, 2, 25, CPU).data<long>().ToArray();
        Assert.Equal(Enumerable.Range(0, Jitter.Count(2)).Select(i => (long)i), codes.Order());
    }
}
