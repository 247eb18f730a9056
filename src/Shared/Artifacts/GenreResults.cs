namespace Vinula.Shared.Artifacts;

/// <summary>
/// One classifier's confusion matrix on the test split (Brown passages by genre, or MNIST digits):
/// <c>Counts[t][p]</c> = examples of true class t predicted as p (rows true, columns predicted), so each row sums
/// to that class's test examples.
/// </summary>
public sealed record ConfusionMatrix(string Role, IReadOnlyList<string> Labels, int[][] Counts)
{
    public const string Group = "confusion";

    public static string ArtifactName(string role) => $"confusion-{role}.json";

    public int Total => Counts.Sum(r => r.Sum());

    /// <summary>Recall of each true class (NaN for a class with no examples).</summary>
    public double[] Recall() => [.. Counts.Select((row, t) => row.Sum() is var n && n > 0 ? (double)row[t] / n : double.NaN)];

    /// <summary>Macro-averaged recall (balanced accuracy) over the classes that have examples.</summary>
    public double BalancedAccuracy() => Recall().Where(r => !double.IsNaN(r)).DefaultIfEmpty(0).Average();
}

/// <summary>
/// What a genre example is and how many there are: passages of at most <c>PassageTokens</c> word tokens made of
/// consecutive sentences of one Brown file, labelled with that file's genre. Counts per genre (in label order)
/// for each split; the majority-class accuracy is what always answering the most frequent training genre scores
/// on the test passages.
/// </summary>
public sealed record GenrePassageStats(
    int PassageTokens,
    IReadOnlyList<string> Genres,
    int[] TrainFiles, int[] TestFiles,
    int[] TrainPassages, int[] ValidationPassages, int[] TestPassages,
    int VocabularySize, double MeanTokens,
    string MajorityGenre, double MajorityAccuracy)
{
    public const string ArtifactName = "passages.json";
}
