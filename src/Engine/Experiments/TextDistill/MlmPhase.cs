using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>One micro-batch's loss, and the model's logits at the masked positions with the words they hide (for the
/// masked-token accuracy).</summary>
public readonly record struct MlmOutput(LossTerms Terms, Tensor Logits, Tensor Targets);

/// <summary>A micro-batch's loss from the corrupted input, its targets (<see cref="DynamicMasking.Ignore"/> where
/// nothing is asked) and the uncorrupted ids (where the padding is).</summary>
public delegate MlmOutput MlmObjective(Tensor input, Tensor targets, Tensor ids);

/// <summary>
/// Trains one masked language model (teacher, student or baseline) with Adam on one objective, with <b>gradient
/// accumulation</b>: a runner step, and so an optimiser step, is <c>accumulation</c> micro-batches whose gradients add
/// up, each micro-batch freshly masked. Reports per step the loss (mean over the micro-batches), its terms and the
/// masked-token accuracy; per epoch the test masked-token accuracy and cross-entropy on the fixed test masks; at the
/// end those, the validation accuracy, the size, and a few test passages with the model's guesses.
/// </summary>
public sealed class MlmPhase : TextModelPhase
{
    /// <summary>Test passages whose masked words the page shows with each model's guesses.</summary>
    public const int ExamplePassages = 6;

    private readonly MaskedLanguageModel _model;
    private readonly MlmData _data;
    private readonly MlmObjective _objective;
    private readonly int _batchSize;
    private readonly int _accumulation;
    private readonly double _maskProbability;

    public MlmPhase(PhasePlan plan, MaskedLanguageModel model, MlmData data, MlmObjective objective, double learningRate,
        int batchSize, int accumulation, double maskProbability, int seed, string randomStream)
        : base(plan, model, data.TrainCount, learningRate, seed, randomStream)
    {
        _model = model;
        _data = data;
        _objective = objective;
        _batchSize = batchSize;
        _accumulation = accumulation;
        _maskProbability = maskProbability;
    }

    /// <summary>Optimiser steps an epoch: every training passage once, <paramref name="accumulation"/> micro-batches a step.</summary>
    public static int StepsPerEpoch(MlmData data, int batchSize, int accumulation) =>
        (data.Batches(batchSize) + accumulation - 1) / accumulation;

    /// <summary>Plain masked-LM cross-entropy over the masked positions: the teacher's and the baseline's objective.
    /// The prediction head runs only where a word is asked, not over the whole vocabulary at every position.</summary>
    public static MlmObjective MaskedLm(MaskedLanguageModel model) => (input, targets, _) =>
    {
        var asked = targets.ne(DynamicMasking.Ignore);
        var logits = model.Predict(model.Encode(input)[asked]);
        var words = targets[asked];
        return new MlmOutput(new LossTerms(F.cross_entropy(logits, words)), logits, words);
    };

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var first = step * _accumulation;
        var micro = Math.Min(_accumulation, _data.Batches(_batchSize) - first);
        Optimizer.zero_grad();
        double loss = 0;
        double[] parts = [];
        string[] names = [];
        long correct = 0, asked = 0;
        for (var k = 0; k < micro; k++)
        {
            // Each micro-batch's activations go as soon as its gradients are in: memory stays one micro-batch's.
            using var scope = torch.NewDisposeScope();
            var ids = _data.Batch(Order, first + k, _batchSize);
            var (input, targets) = DynamicMasking.Apply(ids, _maskProbability, _data.Vocabulary.Size, Random);
            var (terms, logits, words) = _objective(input, targets, ids);
            terms.Loss.div(micro).backward();
            loss += terms.Loss.item<float>() / micro;
            if (k == 0) (names, parts) = (terms.Parts.Select(p => p.Name).ToArray(), new double[terms.Parts.Length]);
            for (var i = 0; i < parts.Length; i++) parts[i] += terms.Parts[i].Value.item<float>() / micro;
            correct += logits.argmax(-1).eq(words).sum().item<long>();
            asked += words.shape[0];
        }
        Optimizer.step();

        var values = new List<StepValue>(2 + parts.Length) { new("train_loss", (float)loss) };
        for (var i = 0; i < parts.Length; i++) values.Add(new StepValue(names[i], (float)parts[i]));
        values.Add(new StepValue("train_accuracy", asked == 0 ? 0 : (float)correct / asked));
        return values;
    }

    public override void EndEpoch(int epoch, long globalStep, RunContext context)
    {
        var (loss, accuracy) = Evaluate(_data.TestInput, _data.TestTargets);
        context.Metrics(globalStep, ($"{Role}/test_loss", loss), ($"{Role}/test_accuracy", accuracy));
        context.Log($"{Role}: epoch {epoch + 1} masked-token accuracy {accuracy:0.0000} on test, cross-entropy {loss:0.000} nats (perplexity {Math.Exp(loss):0.0}).");
    }

    public override void Complete(long globalStep, RunContext context)
    {
        var (loss, accuracy) = Evaluate(_data.TestInput, _data.TestTargets);
        var s = context.Summary;
        s[$"{Role}.test_accuracy"] = accuracy;
        s[$"{Role}.test_loss"] = loss;
        s[$"{Role}.val_accuracy"] = Evaluate(_data.ValidationInput, _data.ValidationTargets).Accuracy;
        s[$"{Role}.params"] = _model.ParameterCount();
        s[$"{Role}.layers"] = _model.Layers;
        context.Artifact(MlmPredictions.ArtifactName(Role), "application/json", globalStep, MlmPredictions.Group,
            JsonSerializer.SerializeToUtf8Bytes(Predictions(), VinulaJson.Options));
    }

    /// <summary>Masked-token cross-entropy (nats) and accuracy of the model in eval mode over a masked split.</summary>
    public (double Loss, double Accuracy) Evaluate(Tensor input, Tensor targets) => MlmEvaluation.Evaluate(_model, input, targets);

    /// <summary>The first test passages with each masked word, what the model saw there, and its three best guesses.</summary>
    private MlmPredictions Predictions()
    {
        _model.eval();
        var vocabulary = _data.Vocabulary;
        var count = (int)Math.Min(ExamplePassages, _data.TestX.shape[0]);
        using var ids = _data.TestX.narrow(0, 0, count);
        using var input = _data.TestInput.narrow(0, 0, count);
        using var targets = _data.TestTargets.narrow(0, 0, count);
        using var probabilities = F.softmax(_model.forward(input), -1);
        var (top, index) = probabilities.topk(3, -1);
        using (top) using (index)
        {
            var examples = new List<MlmExample>();
            for (var i = 0; i < count; i++)
            {
                var words = ids[i].data<long>().ToArray().TakeWhile(id => id != 0).Select(id => (int)id).ToArray();
                var seen = input[i].data<long>().ToArray();
                var asked = targets[i].data<long>().ToArray();
                var guesses = new List<MlmGuess>();
                for (var j = 0; j < words.Length; j++)
                {
                    if (asked[j] == DynamicMasking.Ignore) continue;
                    var best = index[i, j].data<long>().ToArray();
                    var p = top[i, j].data<float>().ToArray();
                    guesses.Add(new MlmGuess(j, vocabulary[(int)seen[j]],
                        [.. best.Select(b => vocabulary[(int)b])], [.. p.Select(v => (double)v)]));
                }
                examples.Add(new MlmExample([.. words.Select(w => vocabulary[w])], guesses));
            }
            return new MlmPredictions(Role, examples);
        }
    }

}

/// <summary>Scoring a masked language model on fixed masks.</summary>
public static class MlmEvaluation
{
    /// <summary>Passages per forward pass when evaluating.</summary>
    public const int Batch = 256;

    /// <summary>Mean cross-entropy (nats) and accuracy over the masked positions of <paramref name="input"/>, in eval
    /// mode without gradients, the head run only at the masked positions.</summary>
    public static (double Loss, double Accuracy) Evaluate(MaskedLanguageModel model, Tensor input, Tensor targets)
    {
        model.eval();
        using var _ = torch.no_grad();
        double lossSum = 0;
        long correct = 0, asked = 0;
        for (long start = 0; start < input.shape[0]; start += Batch)
        {
            using var scope = torch.NewDisposeScope();
            var n = Math.Min(Batch, input.shape[0] - start);
            var t = targets.narrow(0, start, n);
            var mask = t.ne(DynamicMasking.Ignore);
            var words = t[mask];
            if (words.shape[0] == 0) continue;
            var logits = model.Predict(model.Encode(input.narrow(0, start, n))[mask]);
            lossSum += F.cross_entropy(logits, words, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(-1).eq(words).sum().item<long>();
            asked += words.shape[0];
        }
        return asked == 0 ? (0, 0) : (lossSum / asked, (double)correct / asked);
    }
}
