using System.Text;
using Vinula.Engine.Data;

namespace Vinula.Engine.Text;

/// <summary>
/// Sentences for a generative text model, tokenised and split. From Brown: the file split of
/// <see cref="BrownCorpus"/>, every sentence of a file on its file's side. From an uploaded corpus: one sentence a
/// non-blank line, the split drawn from the line's index i among the non-blank lines, as MNIST's is from a digit's:
/// test = i % 5 == 4, validation = i % 10 == 3, train = the rest (deterministic, no seed: the same upload always
/// splits the same way). Sentences longer than <c>maxTokens</c> are cut; shorter ones than 2 tokens are dropped.
/// </summary>
public sealed class TextCorpus
{
    public const string Brown = "brown";

    private TextCorpus(string name, TokenizerKind kind, IReadOnlyList<string[]> train, IReadOnlyList<string[]> validation, IReadOnlyList<string[]> test)
    {
        Name = name;
        Kind = kind;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>For a run's log: where the sentences came from and how many there are.</summary>
    public string Name { get; }
    public TokenizerKind Kind { get; }
    public IReadOnlyList<string[]> Train { get; }
    public IReadOnlyList<string[]> Validation { get; }
    public IReadOnlyList<string[]> Test { get; }

    public static TextCorpus FromBrown(BrownCorpus brown, TokenizerKind kind, int maxTokens)
    {
        IReadOnlyList<string[]> Part(IReadOnlyList<BrownFile> files) =>
            [.. files.SelectMany(f => f.Sentences).Select(s => Cut(TextTokenizer.FromWords(s, kind), maxTokens)).Where(s => s.Length >= 2)];
        return new TextCorpus($"Brown corpus ({brown.Source})", kind, Part(brown.Train), Part(brown.Validation), Part(brown.Test));
    }

    /// <summary>An uploaded UTF-8 corpus: one sentence a non-blank line.</summary>
    public static TextCorpus FromText(string name, byte[] utf8, TokenizerKind kind, int maxTokens)
    {
        var lines = Encoding.UTF8.GetString(utf8).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        List<string[]> train = [], validation = [], test = [];
        for (var i = 0; i < lines.Length; i++)
        {
            var tokens = Cut(TextTokenizer.Tokenize(lines[i], kind), maxTokens);
            if (tokens.Length < 2) continue;
            (i % 5 == 4 ? test : i % 10 == 3 ? validation : train).Add(tokens);
        }
        return new TextCorpus($"uploaded corpus '{name}' ({lines.Length:N0} lines)", kind, train, validation, test);
    }

    private static string[] Cut(string[] tokens, int maxTokens) => tokens.Length <= maxTokens ? tokens : tokens[..maxTokens];
}
