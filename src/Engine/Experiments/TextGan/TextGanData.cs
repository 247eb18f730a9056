using Vinula.Engine.Data;
using Vinula.Engine.Text;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.TextGan;

/// <summary>
/// The corpus as padded id tensors of length L = maxLength + 1. Inputs start with &lt;bos&gt;, targets end with
/// &lt;eos&gt; (teacher forcing: the target at t is the input at t + 1); both padded with &lt;pad&gt; = 0. The
/// training split is a seeded subset of <c>trainSize</c> sentences. The test split's raw tokens are BLEU's references.
/// </summary>
public sealed class TextGanData : IDisposable
{
    private TextGanData(TextCorpus corpus, Vocabulary vocabulary, int length, IReadOnlyList<string[]> train, Device device)
    {
        Corpus = corpus;
        Vocabulary = vocabulary;
        Length = length;
        (TrainInput, TrainTarget) = Encode(train, device);
        (ValidationInput, ValidationTarget) = Encode(corpus.Validation, device);
        (TestInput, TestTarget) = Encode(corpus.Test, device);
        TrainCount = train.Count;
    }

    public TextCorpus Corpus { get; }
    public Vocabulary Vocabulary { get; }

    /// <summary>Sequence length: the longest sentence plus its end token.</summary>
    public int Length { get; }
    public int TrainCount { get; }
    public Tensor TrainInput { get; }
    public Tensor TrainTarget { get; }
    public Tensor ValidationInput { get; }
    public Tensor ValidationTarget { get; }
    public Tensor TestInput { get; }
    public Tensor TestTarget { get; }

    public IReadOnlyList<string[]> TestSentences => Corpus.Test;

    public static TextGanData Load(TextGanConfig config, RunContext context)
    {
        var kind = config.Tokenizer == TextGanTokenizer.Char ? TokenizerKind.Char : TokenizerKind.Word;
        TextCorpus corpus;
        if (config.Corpus == TextGanConfig.Brown)
            corpus = TextCorpus.FromBrown(context.Data.Brown, kind, config.MaxLength);
        else
        {
            var (name, content) = context.Library.LoadCorpus(config.Corpus)
                ?? throw new InvalidOperationException($"The uploaded corpus '{config.Corpus}' is gone.");
            corpus = TextCorpus.FromText(name, content, kind, config.MaxLength);
        }
        if (corpus.Train.Count == 0 || corpus.Test.Count == 0)
            throw new InvalidOperationException($"The {corpus.Name} has no training or no test sentences of 2 tokens or more.");
        var train = corpus.Train;
        if (config.TrainSize is { } size && size < train.Count)
            train = [.. Subsets.EpochOrder(train.Count, config.Seed, -1).Take(size).Order().Select(i => train[i])];
        var vocabulary = Vocabulary.Build(train, config.VocabularySize, kind);
        return new TextGanData(corpus, vocabulary, config.MaxLength + 1, train, context.Device);
    }

    private (Tensor Input, Tensor Target) Encode(IReadOnlyList<string[]> sentences, Device device)
    {
        var input = new long[sentences.Count * Length];
        var target = new long[sentences.Count * Length];
        for (var i = 0; i < sentences.Count; i++)
        {
            var ids = Vocabulary.Encode(sentences[i]);
            var row = i * Length;
            input[row] = Vocabulary.Begin;
            for (var t = 0; t < ids.Length; t++)
            {
                target[row + t] = ids[t];
                if (t + 1 < Length) input[row + t + 1] = ids[t];
            }
            target[row + ids.Length] = Vocabulary.End;
        }
        return (tensor(input, [sentences.Count, Length], device: device), tensor(target, [sentences.Count, Length], device: device));
    }

    /// <summary>Rows <paramref name="order"/>[step·B …] of (input, target).</summary>
    public (Tensor Input, Tensor Target) Batch(int[] order, int step, int batchSize)
    {
        var start = step * batchSize;
        var count = Math.Min(batchSize, order.Length - start);
        using var index = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray(), device: TrainInput.device);
        return (TrainInput.index_select(0, index), TrainTarget.index_select(0, index));
    }

    public int StepsPerEpoch(int batchSize) => Math.Max(1, (TrainCount + batchSize - 1) / batchSize);

    public void Dispose()
    {
        foreach (var t in new[] { TrainInput, TrainTarget, ValidationInput, ValidationTarget, TestInput, TestTarget }) t.Dispose();
    }
}
