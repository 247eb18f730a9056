namespace Vinula.Engine.Text;

/// <summary>
/// Token ↔ id for a text model: five special tokens first (<c>&lt;pad&gt;</c> = 0, <c>&lt;unk&gt;</c>,
/// <c>&lt;bos&gt;</c>, <c>&lt;eos&gt;</c>, <c>&lt;mask&gt;</c>), then the training split's tokens by falling
/// frequency (ties in ordinal order, so the same corpus always gives the same ids), capped at
/// <see cref="Size"/>. Built from the training split only: held-out words are unknown, as they would be.
/// </summary>
public sealed class Vocabulary
{
    public const int Pad = 0;
    public const int Unknown = 1;
    public const int Begin = 2;
    public const int End = 3;
    public const int Mask = 4;
    public const int SpecialCount = 5;

    private static readonly string[] Specials = ["<pad>", "<unk>", "<bos>", "<eos>", "<mask>"];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    private Vocabulary(string[] tokens, long[] counts, TokenizerKind kind)
    {
        _tokens = tokens;
        Counts = counts;
        Kind = kind;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++) _ids[tokens[i]] = i;
    }

    /// <summary>Ids in use, specials included: a model's embedding and output size.</summary>
    public int Size => _tokens.Length;

    public TokenizerKind Kind { get; }

    /// <summary>How often each id occurred in the sentences it was built from (specials 0, except
    /// <c>&lt;unk&gt;</c>: the occurrences of the words cut off by the cap).</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>The most frequent ordinary token: the baseline a masked-token accuracy must beat.</summary>
    public int MostFrequent => Size > SpecialCount ? SpecialCount : Unknown;

    public string this[int id] => id >= 0 && id < _tokens.Length ? _tokens[id] : Specials[Unknown];

    public int IdOf(string token) => _ids.GetValueOrDefault(token, Unknown);

    /// <summary>Counts the tokens of the sentences and keeps the <paramref name="maxSize"/> − 5 most frequent.</summary>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int maxSize, TokenizerKind kind = TokenizerKind.Word)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, SpecialCount + 1);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
            foreach (var token in sentence)
                counts[token] = counts.GetValueOrDefault(token) + 1;
        foreach (var special in Specials) counts.Remove(special); // a corpus that spells "<unk>" gets no second id

        var kept = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(maxSize - SpecialCount).ToArray();
        var tokens = Specials.Concat(kept.Select(p => p.Key)).ToArray();
        var tokenCounts = new long[tokens.Length];
        for (var i = 0; i < kept.Length; i++) tokenCounts[SpecialCount + i] = kept[i].Value;
        tokenCounts[Unknown] = counts.Values.Sum() - kept.Sum(p => p.Value);
        return new Vocabulary(tokens, tokenCounts, kind);
    }

    public int[] Encode(IReadOnlyList<string> tokens)
    {
        var ids = new int[tokens.Count];
        for (var i = 0; i < ids.Length; i++) ids[i] = IdOf(tokens[i]);
        return ids;
    }

    /// <summary>Ids back to text, stopping at <c>&lt;eos&gt;</c> and leaving out padding and <c>&lt;bos&gt;</c>:
    /// words joined by spaces, characters as they are.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var parts = new List<string>();
        foreach (var id in ids)
        {
            if (id == End) break;
            if (id is Pad or Begin) continue;
            parts.Add(this[id]);
        }
        return Join(parts);
    }

    /// <summary>Tokens of this vocabulary's kind as text: words joined by spaces, characters as they are.</summary>
    public string Join(IReadOnlyList<string> tokens) => string.Join(Kind == TokenizerKind.Char ? "" : " ", tokens);

    /// <summary>The tokens a word-level vocabulary keeps, in id order (for a run's artifact).</summary>
    public IReadOnlyList<string> Tokens => _tokens;
}
