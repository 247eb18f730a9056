using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Text;
using Vinula.Engine.Training;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>
/// The masked-LM task's text: the Brown files cut into passages exactly as the genre task cuts them
/// (<see cref="GenrePassages"/>), as padded id tensors [n, maxTokens]. Training passages are re-masked every batch
/// (<see cref="DynamicMasking"/>); validation and test passages are masked once, from a fixed stream that depends on
/// neither the seed nor the model, so every epoch, every model and every run with the same data is scored on the very
/// same masked words.
/// </summary>
public sealed class MlmData : IDisposable
{
    /// <summary>The fixed masks of validation and test: one stream for all runs.</summary>
    private const int EvaluationSeed = 20190501;

    /// <summary>Passages of validation and of test that are scored: evenly spaced over the split (so every file's
    /// genre is in), about 8,000 masked words each, a standard error near half a point at 20 % accuracy. Scoring all
    /// 4,000+ would cost each epoch about as much as training on 4,000 passages.</summary>
    public const int EvaluationPassages = 1500;

    public MlmData(BrownCorpus brown, int maxTokens, int vocabularySize, int? trainSize, double maskProbability, int seed)
    {
        MaxTokens = maxTokens;
        Vocabulary = Vocabulary.Build(brown.Train.SelectMany(f => f.Sentences), vocabularySize);
        var train = GenrePassages.Subset(GenrePassages.Of(brown.Train, Vocabulary, maxTokens), trainSize, seed);
        TrainCount = train.Count;
        TrainX = GenrePassages.Ids(train, maxTokens);
        using var random = Seeds.Generator(EvaluationSeed, Seeds.Of("mlm-evaluation"));
        ValidationX = GenrePassages.Ids(EvenlySpaced(GenrePassages.Of(brown.Validation, Vocabulary, maxTokens)), maxTokens);
        (ValidationInput, ValidationTargets) = DynamicMasking.Apply(ValidationX, maskProbability, Vocabulary.Size, random);
        TestX = GenrePassages.Ids(EvenlySpaced(GenrePassages.Of(brown.Test, Vocabulary, maxTokens)), maxTokens);
        (TestInput, TestTargets) = DynamicMasking.Apply(TestX, maskProbability, Vocabulary.Size, random);
        (MostFrequent, MostFrequentAccuracy) = MostFrequentBaseline(train);
    }

    public int MaxTokens { get; }
    public Vocabulary Vocabulary { get; }
    public int TrainCount { get; }
    public Tensor TrainX { get; }
    public Tensor ValidationX { get; }
    public Tensor ValidationInput { get; }
    public Tensor ValidationTargets { get; }
    public Tensor TestX { get; }
    public Tensor TestInput { get; }
    public Tensor TestTargets { get; }

    /// <summary>The word most often a target in training (a word the masking may choose: not a special, not
    /// &lt;unk&gt;), and the masked-token accuracy of always answering it on the test masks: the line to clear.</summary>
    public int MostFrequent { get; }
    public double MostFrequentAccuracy { get; }

    public long TestTargetCount => TestTargets.ne(DynamicMasking.Ignore).sum().item<long>();

    /// <summary>Micro-batches an epoch: every training passage once.</summary>
    public int Batches(int batchSize) => (TrainCount + batchSize - 1) / batchSize;

    /// <summary>The ids of micro-batch <paramref name="batch"/> of the epoch's <paramref name="order"/>.</summary>
    public Tensor Batch(int[] order, int batch, int batchSize)
    {
        var start = batch * batchSize;
        var count = Math.Min(batchSize, TrainCount - start);
        using var rows = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray(), ScalarType.Int64);
        return TrainX.index_select(0, rows);
    }

    private (int Word, double Accuracy) MostFrequentBaseline(IEnumerable<Passage> train)
    {
        var counts = new long[Vocabulary.Size];
        foreach (var passage in train)
            foreach (var id in passage.Tokens)
                if (id >= Vocabulary.SpecialCount) counts[id]++;
        var word = Array.IndexOf(counts, counts.Max());
        using var targets = TestTargets.flatten();
        using var real = targets.ne(DynamicMasking.Ignore);
        var n = real.sum().item<long>();
        var hits = targets.eq(word).sum().item<long>();
        return (word, n == 0 ? 0 : (double)hits / n);
    }

    /// <summary>At most <see cref="EvaluationPassages"/> of the passages, every k-th in corpus order.</summary>
    private static List<Passage> EvenlySpaced(List<Passage> passages) =>
        passages.Count <= EvaluationPassages
            ? passages
            : [.. Enumerable.Range(0, EvaluationPassages).Select(i => passages[(int)((long)i * passages.Count / EvaluationPassages)])];

    public void Dispose()
    {
        foreach (var t in new[] { TrainX, ValidationX, ValidationInput, ValidationTargets, TestX, TestInput, TestTargets })
            t.Dispose();
    }
}
