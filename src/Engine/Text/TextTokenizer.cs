using Microsoft.ML.Tokenizers;

namespace Vinula.Engine.Text;

/// <summary>How a text kind cuts sentences into tokens.</summary>
public enum TokenizerKind
{
    /// <summary>Lower-cased words and punctuation marks (Microsoft.ML.Tokenizers' word-or-punctuation
    /// pre-tokenizer, <c>\w+|\p{P}</c>, for raw text; Brown's own tokens as they are).</summary>
    Word,

    /// <summary>Characters, lower-cased; a space is a token.</summary>
    Char,
}

/// <summary>Raw text (an uploaded corpus's lines) to tokens, and Brown's word tokens to characters.</summary>
public static class TextTokenizer
{
    private static readonly PreTokenizer Words = PreTokenizer.CreateWordOrPunctuation();

    /// <summary>One raw line of text to tokens of the given kind.</summary>
    public static string[] Tokenize(string text, TokenizerKind kind)
    {
        if (kind == TokenizerKind.Char)
            return [.. string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant().Select(c => c.ToString())];
        return [.. Words.PreTokenize(text).Select(t => text.Substring(t.Offset, t.Length).ToLowerInvariant())];
    }

    /// <summary>An already word-tokenised sentence (Brown) in the given kind: as it is, or its characters with
    /// single spaces between the words.</summary>
    public static string[] FromWords(IReadOnlyList<string> words, TokenizerKind kind) =>
        kind == TokenizerKind.Word ? [.. words] : [.. string.Join(' ', words).Select(c => c.ToString())];
}
