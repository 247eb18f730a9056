using Vinula.Engine.Data;
using Vinula.Engine.Text;
using Vinula.Shared.Artifacts;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>One genre example: token ids of consecutive sentences of one file, and the file's genre.</summary>
public sealed record Passage(string File, int Genre, int[] Tokens);

/// <summary>
/// The genre task's examples. A <b>passage</b> is a run of consecutive sentences of one Brown file holding at most
/// <c>maxTokens</c> word tokens, passages not overlapping. It ends where a sentence ends, unless it would stay shorter
/// than a quarter of <c>maxTokens</c>: then it is filled up to <c>maxTokens</c> with the next sentence's beginning,
/// whose rest starts the next passage (so long sentences are split, never dropped). A file's last run shorter than a
/// quarter of <c>maxTokens</c> is dropped. A passage takes its file's genre.
/// The split is the corpus's split by file, so no file has passages on two sides.
/// </summary>
public static class GenrePassages
{
    /// <summary>Cuts one file's sentences into passages (word tokens, not yet ids), in order, covering every word but
    /// a short tail.</summary>
    public static List<List<string>> Cut(IReadOnlyList<string[]> sentences, int maxTokens)
    {
        var min = MinTokens(maxTokens);
        var passages = new List<List<string>>();
        var current = new List<string>(maxTokens);
        foreach (var sentence in sentences)
        {
            var rest = sentence.AsSpan();
            while (!rest.IsEmpty)
            {
                if (current.Count + rest.Length <= maxTokens)
                {
                    current.AddRange(rest);
                    rest = [];
                    continue;
                }
                if (current.Count < min)
                {
                    // Too short to end here: fill up with the sentence's beginning; its rest starts the next passage.
                    var take = maxTokens - current.Count;
                    current.AddRange(rest[..take]);
                    rest = rest[take..];
                }
                passages.Add(current);
                current = new List<string>(maxTokens);
            }
        }
        if (current.Count >= min) passages.Add(current);
        return passages;
    }

    /// <summary>The shortest passage a file's last run may be.</summary>
    public static int MinTokens(int maxTokens) => Math.Max(1, maxTokens / 4);

    public static List<Passage> Of(IEnumerable<BrownFile> files, Vocabulary vocabulary, int maxTokens) =>
        [.. files.SelectMany(f => Cut(f.Sentences, maxTokens).Select(p => new Passage(f.Name, f.Genre, vocabulary.Encode(p))))];

    /// <summary><paramref name="size"/> of the passages, stratified by genre and drawn from the seed (all of them when
    /// <paramref name="size"/> is null or not smaller).</summary>
    public static List<Passage> Subset(List<Passage> passages, int? size, int seed)
    {
        if (size is not { } n || n >= passages.Count) return passages;
        var genres = passages.Select(p => (byte)p.Genre).ToArray();
        return [.. Subsets.Stratified(Enumerable.Range(0, passages.Count).ToArray(), genres, n, seed).Select(i => passages[i])];
    }

    /// <summary>The passages' ids as one tensor [n, maxTokens], padded with 0 (&lt;pad&gt;).</summary>
    public static Tensor Ids(IReadOnlyList<Passage> passages, int maxTokens)
    {
        var ids = new long[passages.Count * maxTokens];
        for (var i = 0; i < passages.Count; i++)
            for (var j = 0; j < passages[i].Tokens.Length; j++)
                ids[i * maxTokens + j] = passages[i].Tokens[j];
        return tensor(ids, [passages.Count, maxTokens]);
    }
}

/// <summary>
/// A run's genre data: the vocabulary of the training files, the passages of each split, and each split as
/// padded id tensors [n, maxTokens] (0 = &lt;pad&gt;) with genre labels. Train may be a stratified subset
/// (<c>trainSize</c>).
/// </summary>
public sealed class GenreData : IDisposable
{
    public GenreData(BrownCorpus brown, int maxTokens, int vocabularySize, int? trainSize, int seed)
    {
        Genres = brown.Genres;
        MaxTokens = maxTokens;
        Vocabulary = Vocabulary.Build(brown.Train.SelectMany(f => f.Sentences), vocabularySize);
        Train = GenrePassages.Subset(GenrePassages.Of(brown.Train, Vocabulary, maxTokens), trainSize, seed);
        Validation = GenrePassages.Of(brown.Validation, Vocabulary, maxTokens);
        Test = GenrePassages.Of(brown.Test, Vocabulary, maxTokens);
        (TrainX, TrainY) = Tensors(Train);
        (ValidationX, ValidationY) = Tensors(Validation);
        (TestX, TestY) = Tensors(Test);
        Stats = Describe(brown);
    }

    public IReadOnlyList<string> Genres { get; }
    public int Classes => Genres.Count;
    public int MaxTokens { get; }
    public Vocabulary Vocabulary { get; }
    public IReadOnlyList<Passage> Train { get; }
    public IReadOnlyList<Passage> Validation { get; }
    public IReadOnlyList<Passage> Test { get; }
    public Tensor TrainX { get; }
    public Tensor TrainY { get; }
    public Tensor ValidationX { get; }
    public Tensor ValidationY { get; }
    public Tensor TestX { get; }
    public Tensor TestY { get; }
    public GenrePassageStats Stats { get; }

    public int StepsPerEpoch(int batchSize) => (Train.Count + batchSize - 1) / batchSize;

    /// <summary>The training rows of one step: <paramref name="order"/>'s slice, as row indices, ids and labels.</summary>
    public (Tensor Rows, Tensor X, Tensor Y) Batch(int[] order, int step, int batchSize)
    {
        var start = step * batchSize;
        var count = Math.Min(batchSize, Train.Count - start);
        var rows = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)i).ToArray(), ScalarType.Int64);
        return (rows, TrainX.index_select(0, rows), TrainY.index_select(0, rows));
    }

    /// <summary>Inverse document frequency of each id over the training passages, log((1 + n) / (1 + df)) + 1
    /// (scikit-learn's smoothed idf); 0 for &lt;pad&gt;.</summary>
    public float[] InverseDocumentFrequency()
    {
        var df = new int[Vocabulary.Size];
        foreach (var passage in Train)
            foreach (var id in passage.Tokens.Distinct())
                df[id]++;
        var n = Train.Count;
        var idf = df.Select(d => (float)(Math.Log((1.0 + n) / (1.0 + d)) + 1)).ToArray();
        idf[Vocabulary.Pad] = 0;
        return idf;
    }

    private (Tensor X, Tensor Y) Tensors(IReadOnlyList<Passage> passages) =>
        (GenrePassages.Ids(passages, MaxTokens), tensor(passages.Select(p => (long)p.Genre).ToArray(), ScalarType.Int64));

    private GenrePassageStats Describe(BrownCorpus brown)
    {
        int[] Count(IEnumerable<int> genres)
        {
            var counts = new int[Classes];
            foreach (var g in genres) counts[g]++;
            return counts;
        }
        var train = Count(Train.Select(p => p.Genre));
        var test = Count(Test.Select(p => p.Genre));
        var majority = Array.IndexOf(train, train.Max());
        return new GenrePassageStats(MaxTokens, [.. Genres],
            Count(brown.Train.Select(f => f.Genre)), Count(brown.Test.Select(f => f.Genre)),
            train, Count(Validation.Select(p => p.Genre)), test,
            Vocabulary.Size, Train.Average(p => p.Tokens.Length),
            Genres[majority], Test.Count == 0 ? 0 : (double)test[majority] / Test.Count);
    }

    public void Dispose()
    {
        foreach (var t in new[] { TrainX, TrainY, ValidationX, ValidationY, TestX, TestY })
            t.Dispose();
    }
}
