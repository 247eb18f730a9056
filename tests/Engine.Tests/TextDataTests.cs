using System.Text;
using Vinula.Engine.Data;
using Vinula.Engine.Text;

namespace Vinula.Engine.Tests;

/// <summary>The Brown corpus as PRODUCT.md splits it, and the tokenizers and vocabulary the text kinds share.</summary>
public sealed class TextDataTests
{
    private static readonly Lazy<BrownCorpus> Brown = new(() => TestData.Datasets.Brown);

    [Fact]
    public void BrownHas500FilesIn15GenresSplitByFileNumber()
    {
        var brown = Brown.Value;
        Assert.Equal(500, brown.Files.Count);
        Assert.Equal(15, brown.Genres.Count);
        Assert.Contains("science_fiction", brown.Genres);
        Assert.Equal(93, brown.Test.Count);
        Assert.All(brown.Test, f => Assert.Equal(0, f.Number % 5));
        Assert.All(brown.Validation, f => Assert.Equal(3, f.Number % 5));
        Assert.Equal(500, brown.Train.Count + brown.Validation.Count + brown.Test.Count);
        Assert.Empty(brown.Train.Select(f => f.Name).Intersect(brown.Test.Select(f => f.Name)));
        // Every genre is on every side, so a genre classifier is tested on all 15.
        foreach (var split in new[] { brown.Train, brown.Validation, brown.Test })
            Assert.Equal(15, split.Select(f => f.Genre).Distinct().Count());
        Assert.InRange(brown.Files.Sum(f => f.Sentences.Count), 55_000, 60_000);
    }

    [Fact]
    public void BrownWordsAreLowerCasedWithoutTags()
    {
        var first = Brown.Value.Files.First(f => f.Name == "ca01").Sentences[0];
        Assert.Equal(["the", "fulton", "county", "grand", "jury", "said", "friday", "an", "investigation", "of"], first[..10]);
        Assert.Contains("\"", first); // `` and '' are quotes
        Assert.DoesNotContain(first, w => w.Contains('/'));
    }

    [Theory]
    [InlineData("say/vb", "say")]
    [InlineData("1/2/cd", "1/2")]
    [InlineData("``/``", "\"")]
    [InlineData("The/at-tl", "the")]
    public void ABrownTokenLosesItsTagOnly(string token, string word) => Assert.Equal(word, BrownCorpus.Word(token));

    [Fact]
    public void TheVocabularyKeepsTheMostFrequentTokensAndMapsTheRestToUnknown()
    {
        string[][] sentences = [["a", "b", "a"], ["c", "a", "b"], ["d"]];
        var vocabulary = Vocabulary.Build(sentences, Vocabulary.SpecialCount + 2);

        Assert.Equal(7, vocabulary.Size);
        Assert.Equal(Vocabulary.SpecialCount, vocabulary.IdOf("a")); // most frequent first
        Assert.Equal(Vocabulary.SpecialCount + 1, vocabulary.IdOf("b"));
        Assert.Equal(Vocabulary.Unknown, vocabulary.IdOf("c"));
        Assert.Equal(Vocabulary.Unknown, vocabulary.IdOf("never seen"));
        Assert.Equal(2, vocabulary.Counts[Vocabulary.Unknown]); // c and d were cut
        Assert.Equal(Vocabulary.SpecialCount, vocabulary.MostFrequent);
    }

    [Fact]
    public void WordsRoundTripThroughTheVocabulary()
    {
        var tokens = TextTokenizer.Tokenize("The jury said, \"No evidence.\"", TokenizerKind.Word);
        Assert.Equal(["the", "jury", "said", ",", "\"", "no", "evidence", ".", "\""], tokens);
        var vocabulary = Vocabulary.Build([tokens], 100);
        var ids = vocabulary.Encode(tokens);
        Assert.Equal(string.Join(' ', tokens), vocabulary.Decode([Vocabulary.Begin, .. ids, Vocabulary.End, 7, 8]));
    }

    [Fact]
    public void CharactersRoundTripWithSingleSpaces()
    {
        var tokens = TextTokenizer.Tokenize("  Hello,   World ", TokenizerKind.Char);
        var vocabulary = Vocabulary.Build([tokens], 100, TokenizerKind.Char);
        Assert.Equal("hello, world", vocabulary.Decode(vocabulary.Encode(tokens)));
        Assert.Equal(["a", "b", " ", "c"], TextTokenizer.FromWords(["ab", "c"], TokenizerKind.Char));
    }

    [Fact]
    public void AnUploadedCorpusSplitsByLineIndexDeterministically()
    {
        var text = string.Join('\n', Enumerable.Range(0, 20).Select(i => $"line number {i} here")) + "\n\n   \n";
        var corpus = TextCorpus.FromText("mine.txt", Encoding.UTF8.GetBytes(text), TokenizerKind.Word, maxTokens: 3);

        Assert.Equal(["line", "number", "4"], corpus.Test[0]); // i % 5 == 4, cut at 3 tokens
        Assert.Equal(4, corpus.Test.Count);
        Assert.Equal(2, corpus.Validation.Count); // 3 and 13
        Assert.Equal(14, corpus.Train.Count);
        Assert.Equal(["line", "number", "3"], corpus.Validation[0]);
    }

    [Fact]
    public void BrownSentencesKeepTheirFilesSide()
    {
        var corpus = TextCorpus.FromBrown(Brown.Value, TokenizerKind.Word, maxTokens: 20);
        Assert.All(corpus.Train.Concat(corpus.Test), s => Assert.InRange(s.Length, 2, 20));
        var testWords = Brown.Value.Test.SelectMany(f => f.Sentences).Count(s => s.Length >= 2);
        Assert.Equal(testWords, corpus.Test.Count);
    }
}
