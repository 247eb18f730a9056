using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Models;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Training;

/// <summary>
/// Trains an MNIST classifier with Adam on one objective. Teacher, student and baseline are all this phase
/// with different objectives. Reports train loss per step, and per epoch the test loss (CE) and accuracy,
/// the validation accuracy and the training accuracy. The training accuracy is counted on the epoch's own
/// batches as they were trained (jittered, dropout on, weights moving), as Keras reports it: a second pass over
/// the training split in eval mode cost more than the epoch's training for the CNN teacher.
/// </summary>
public sealed class ClassifierPhase : TrainingPhase
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly ClassifierData _data;
    private readonly ClassifierObjective _objective;
    private readonly TorchSharp.Modules.Adam _optimizer;
    private readonly int _batchSize;
    private readonly int _seed;
    private readonly int _jitter;
    private readonly string _randomStream;
    private readonly torch.Generator _random;
    private readonly DigitReport _digits;
    private int[] _order = [];
    private long _correct;
    private long _seen;

    /// <param name="seed">The seed of this model's data order and draws: the run's, or one seed of a sweep.</param>
    /// <param name="digits">Digits its training data left out, reported apart (and bias-corrected) at the end.</param>
    public ClassifierPhase(PhasePlan plan, nn.Module<Tensor, Tensor> model, ClassifierData data, ClassifierObjective objective,
        Shared.Experiments.ExperimentConfig config, int seed, int jitter = 0, string? randomStream = null, DigitReport? digits = null) : base(plan)
    {
        _digits = digits ?? DigitReport.None;
        _jitter = jitter;
        _randomStream = randomStream ?? plan.Role;
        _model = model;
        _data = data;
        _objective = objective;
        _batchSize = config.BatchSize;
        _seed = seed;
        _optimizer = Optimizers.Adam(model.parameters(), config);
        // Jitter and dropout masks draw from this phase's own generator, restarted every epoch.
        _random = Seeds.Generator(data.TrainX.device, seed, Seeds.Of(_randomStream));
        model.DrawDropoutFrom(_random);
    }

    public override void BeginEpoch(int epoch)
    {
        _model.train();
        _order = Data.Subsets.EpochOrder(_data.TrainCount, _seed, epoch);
        // Dropout masks and jitter per (run seed, stream, epoch): a resume repeats them, and two phases on one
        // stream (student and baseline) see the same draws.
        _random.Reseed(_seed, Seeds.Of(_randomStream), epoch);
        (_correct, _seen) = (0, 0);
    }

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var rows = _data.Rows(_order, step, _batchSize);
        var (batch, y) = (_data.TrainX.index_select(0, rows), _data.TrainY.index_select(0, rows));
        var shifts = _jitter > 0 ? Data.Jitter.Draw(batch.shape[0], _jitter, batch.device, _random) : null;
        var x = shifts is null ? batch : Data.Jitter.Apply(batch, Data.MnistData.Side, shifts);

        _optimizer.zero_grad();
        var logits = _model.forward(x);
        var terms = _objective.Loss(logits, new ClassifierBatch(x, y, rows, shifts, _jitter));
        terms.Loss.backward();
        _optimizer.step();
        _correct += logits.argmax(-1).eq(y).sum().item<long>();
        _seen += y.shape[0];

        var values = new StepValue[1 + terms.Parts.Length];
        values[0] = new StepValue("train_loss", terms.Loss.item<float>());
        for (var i = 0; i < terms.Parts.Length; i++)
            values[i + 1] = new StepValue(terms.Parts[i].Name, terms.Parts[i].Value.item<float>());
        return values;
    }

    public override void EndEpoch(int epoch, long globalStep, RunContext context)
    {
        var test = Evaluate(_data.TestX, _data.TestY);
        var validation = Evaluate(_data.ValidationX, _data.ValidationY);
        context.Metrics(globalStep,
            ($"{Role}/test_loss", test.Loss),
            ($"{Role}/test_accuracy", test.Accuracy),
            ($"{Role}/val_accuracy", validation.Accuracy),
            ($"{Role}/train_accuracy", _seen == 0 ? 0 : (double)_correct / _seen));
        context.Log($"{Role}: epoch {epoch + 1} test accuracy {test.Accuracy:0.0000}, validation {validation.Accuracy:0.0000}.");
    }

    /// <summary>Final test accuracy, error count and size into the summary; the test-set logits stored so the
    /// temperature panels can recompute p_i(T) without retraining; per-digit results (<see cref="DigitReport.Write"/>).</summary>
    public override void Complete(long globalStep, RunContext context)
    {
        _model.eval();
        using var logits = Logits(_data.TestX);
        var predicted = logits.argmax(-1);
        var errors = (int)predicted.ne(_data.TestY).sum().item<long>();
        var count = _data.TestIndices.Length;
        context.Summary[$"{Role}.test_accuracy"] = 1.0 - (double)errors / count;
        context.Summary[$"{Role}.test_errors"] = errors;
        context.Summary["test.count"] = count;
        context.Summary[$"{Role}.params"] = _model.ParameterCount();
        context.Summary[$"{Role}.val_accuracy"] = Evaluate(_data.ValidationX, _data.ValidationY).Accuracy;

        var stored = new StoredLogits(Role, "test", logits.shape[1] is var k ? (int)k : 0,
            _data.TestIndices, _data.Mnist.GatherLabels(_data.TestIndices).Select(l => (int)l).ToArray(), logits.ToFloats());
        context.Artifact(StoredLogits.ArtifactName(Role), "application/json", globalStep, "logits",
            JsonSerializer.SerializeToUtf8Bytes(stored, VinulaJson.Options));

        _digits.Write(Role, stored.Logits, stored.Labels, stored.Classes, globalStep, context, () =>
        {
            using var validation = Logits(_data.ValidationX);
            return (validation.ToFloats(), [.. _data.Mnist.GatherLabels(_data.ValidationIndices).Select(l => (int)l)]);
        });
    }

    /// <summary>Logits of the model in eval mode for a whole split (<see cref="EvaluationChunks"/>).</summary>
    public Tensor Logits(Tensor x)
    {
        _model.eval();
        using var _ = torch.no_grad();
        var chunks = new List<Tensor>();
        foreach (var (start, length) in EvaluationChunks.Of(x.shape[0]))
        {
            using var scope = torch.NewDisposeScope();
            chunks.Add(_model.forward(x.narrow(0, start, length)).MoveToOuterDisposeScope());
        }
        var logits = torch.cat(chunks, 0);
        foreach (var chunk in chunks) chunk.Dispose();
        return logits;
    }

    /// <summary>Mean cross-entropy and accuracy over a split, chunk by chunk: only sums outlive a chunk.</summary>
    private (double Loss, double Accuracy) Evaluate(Tensor x, Tensor y)
    {
        _model.eval();
        using var _ = torch.no_grad();
        double loss = 0;
        long correct = 0;
        foreach (var (start, length) in EvaluationChunks.Of(x.shape[0]))
        {
            using var scope = torch.NewDisposeScope();
            var logits = _model.forward(x.narrow(0, start, length));
            var labels = y.narrow(0, start, length);
            loss += F.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).to(ScalarType.Float64).item<double>();
            correct += logits.argmax(-1).eq(labels).sum().item<long>();
        }
        return (loss / x.shape[0], (double)correct / x.shape[0]);
    }

    public override void Save(BinaryWriter writer)
    {
        SaveState(writer, _model, _optimizer);
        _objective.Save(writer);
    }

    public override void Load(BinaryReader reader)
    {
        LoadState(reader, _model, _optimizer);
        _objective.Load(reader);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _optimizer.Dispose();
        _objective.Dispose();
        _model.DrawDropoutFrom(null); // a teacher outlives its phase, and only ever runs in eval mode after it
        _random.Dispose();
    }
}
