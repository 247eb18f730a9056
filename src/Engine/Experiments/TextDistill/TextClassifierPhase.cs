using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>A batch's loss from the model's logits, the labels, and the batch's training-row indices (so a student can
/// look up the teacher's logits for the very same passages).</summary>
public delegate LossTerms TextObjective(Tensor logits, Tensor labels, Tensor rows);

/// <summary>
/// Trains one genre classifier (teacher, student, baseline or bag of words) with Adam on one objective. Reports per
/// step the loss and the batch accuracy, per epoch the test cross-entropy and accuracy; at the end the test
/// accuracy, balanced accuracy (mean recall over genres), validation accuracy, size and the confusion matrix.
/// </summary>
public sealed class TextClassifierPhase : TextModelPhase
{
    private readonly GenreData _data;
    private readonly TextObjective _objective;
    private readonly int _batchSize;

    public TextClassifierPhase(PhasePlan plan, nn.Module<Tensor, Tensor> model, GenreData data, TextObjective objective,
        double learningRate, int batchSize, int seed, string randomStream)
        : base(plan, model, data.Train.Count, learningRate, seed, randomStream)
    {
        _data = data;
        _objective = objective;
        _batchSize = batchSize;
    }

    /// <summary>Plain cross-entropy on labels: the teacher's, the baseline's and the bag of words' objective.</summary>
    public static TextObjective CrossEntropy { get; } = (logits, labels, _) => new LossTerms(F.cross_entropy(logits, labels));

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var (rows, x, y) = _data.Batch(Order, step, _batchSize);
        Optimizer.zero_grad();
        var logits = Model.forward(x);
        var terms = _objective(logits, y, rows);
        terms.Loss.backward();
        Optimizer.step();

        var values = new List<StepValue>(2 + terms.Parts.Length) { new("train_loss", terms.Loss.item<float>()) };
        values.AddRange(terms.Parts.Select(p => new StepValue(p.Name, p.Value.item<float>())));
        values.Add(new StepValue("train_accuracy", logits.argmax(-1).eq(y).to(ScalarType.Float32).mean().item<float>()));
        return values;
    }

    public override void EndEpoch(int epoch, long globalStep, RunContext context)
    {
        var logits = Logits(_data.TestX);
        var loss = F.cross_entropy(logits, _data.TestY).item<float>();
        var accuracy = Accuracy(logits, _data.TestY);
        context.Metrics(globalStep, ($"{Role}/test_loss", loss), ($"{Role}/test_accuracy", accuracy));
        context.Log($"{Role}: epoch {epoch + 1} test accuracy {accuracy:0.0000}, test CE {loss:0.000}.");
    }

    public override void Complete(long globalStep, RunContext context)
    {
        var logits = Logits(_data.TestX);
        var predicted = logits.argmax(-1).to(ScalarType.Int32).data<int>().ToArray();
        var confusion = new int[_data.Classes][];
        for (var g = 0; g < confusion.Length; g++) confusion[g] = new int[_data.Classes];
        for (var i = 0; i < predicted.Length; i++) confusion[_data.Test[i].Genre][predicted[i]]++;
        var matrix = new ConfusionMatrix(Role, [.. _data.Genres], confusion);

        var s = context.Summary;
        s[$"{Role}.test_accuracy"] = Accuracy(logits, _data.TestY);
        s[$"{Role}.test_balanced_accuracy"] = matrix.BalancedAccuracy();
        s[$"{Role}.val_accuracy"] = Accuracy(Logits(_data.ValidationX), _data.ValidationY);
        s[$"{Role}.params"] = Model.ParameterCount();
        context.Artifact(ConfusionMatrix.ArtifactName(Role), "application/json", globalStep, ConfusionMatrix.Group,
            JsonSerializer.SerializeToUtf8Bytes(matrix, VinulaJson.Options));
    }

    /// <summary>Logits of the model in eval mode for a whole split, in chunks of the training batch size.</summary>
    public Tensor Logits(Tensor x) => TextModels.Logits(Model, x, TextModels.EvalBatch);

    private static double Accuracy(Tensor logits, Tensor y) => logits.argmax(-1).eq(y).to(ScalarType.Float32).mean().item<float>();

}

/// <summary>Evaluation helpers every text classifier shares.</summary>
public static class TextModels
{
    /// <summary>Passages per forward pass when evaluating a split (larger than a training batch: fewer, fuller matmuls).</summary>
    public const int EvalBatch = 256;

    /// <summary>The model's logits in eval mode for every row of <paramref name="x"/>, in chunks, without gradients.</summary>
    public static Tensor Logits(nn.Module<Tensor, Tensor> model, Tensor x, int batch)
    {
        model.eval();
        using var _ = torch.no_grad();
        var chunks = new List<Tensor>();
        for (long start = 0; start < x.shape[0]; start += batch)
        {
            // A chunk's activations (attention maps included) are freed as soon as its logits are out.
            using var scope = torch.NewDisposeScope();
            chunks.Add(model.forward(x.narrow(0, start, Math.Min(batch, x.shape[0] - start))).MoveToOuterDisposeScope());
        }
        var all = torch.cat(chunks, 0);
        foreach (var chunk in chunks) chunk.Dispose();
        return all;
    }

    /// <summary>Seconds for one pass of the model over <paramref name="x"/> in batches of <paramref name="batch"/>
    /// (each batch's tensors freed as it goes).</summary>
    public static double InferenceSeconds(nn.Module<Tensor, Tensor> model, Tensor x, int batch, int maxBatches = int.MaxValue)
    {
        model.eval();
        using var _ = torch.no_grad();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var batches = 0;
        for (long start = 0; start < x.shape[0] && batches < maxBatches; start += batch, batches++)
        {
            using var scope = torch.NewDisposeScope();
            model.forward(x.narrow(0, start, Math.Min(batch, x.shape[0] - start)));
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Inference over <paramref name="x"/> at <paramref name="batch"/>, after a warm-up of each model; teacher
    /// and student alternate three times and the fastest pass of each counts (this machine's load varies).</summary>
    public static (double Teacher, double Student) InferenceTimes(nn.Module<Tensor, Tensor> teacher, nn.Module<Tensor, Tensor> student, Tensor x, int batch)
    {
        InferenceSeconds(teacher, x, batch, maxBatches: 3);
        InferenceSeconds(student, x, batch, maxBatches: 3);
        double t = double.MaxValue, s = double.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            t = Math.Min(t, InferenceSeconds(teacher, x, batch));
            s = Math.Min(s, InferenceSeconds(student, x, batch));
        }
        return (t, Math.Max(s, 1e-6));
    }
}
