namespace Vinula.Engine.Experiments.TextGan;

/// <summary>
/// BLEU (Papineni et al. 2002): the geometric mean of modified n-gram precisions for n = 1…N (uniform weights) times
/// the brevity penalty BP = exp(1 − r/c) when c &lt; r. A hypothesis n-gram's count is clipped to its largest count in
/// any one reference; r is, per hypothesis, the reference length closest to its own (the shorter on a tie), as NLTK's
/// corpus_bleu. A precision with no match is smoothed by Chen &amp; Cherry 2014, method 1: ε = 0.1 matches instead of 0.
/// </summary>
public static class Bleu
{
    public const double Epsilon = 0.1;

    /// <summary>Per n-gram, its largest count in any one reference; and the reference lengths.</summary>
    public sealed class References
    {
        private readonly Dictionary<string, int> _maxCounts = new(StringComparer.Ordinal);
        private readonly int[] _lengths;

        public References(IEnumerable<IReadOnlyList<string>> references, int maxN)
        {
            var lengths = new SortedSet<int>();
            foreach (var reference in references)
            {
                lengths.Add(reference.Count);
                foreach (var (gram, count) in Counts(reference, maxN))
                    if (count > _maxCounts.GetValueOrDefault(gram)) _maxCounts[gram] = count;
            }
            _lengths = [.. lengths];
        }

        public int MaxCount(string gram) => _maxCounts.GetValueOrDefault(gram);

        /// <summary>The reference length closest to <paramref name="length"/>, the shorter on a tie.</summary>
        public int ClosestLength(int length)
        {
            if (_lengths.Length == 0) return length;
            var best = _lengths[0];
            foreach (var l in _lengths)
                if (Math.Abs(l - length) < Math.Abs(best - length)) best = l;
            return best;
        }
    }

    /// <summary>Corpus BLEU-<paramref name="maxN"/> of the hypotheses, every one against the same references.</summary>
    public static double Corpus(IReadOnlyList<IReadOnlyList<string>> hypotheses, References references, int maxN) =>
        Score(hypotheses.Select(h => (h, references)), maxN);

    /// <summary>Sentence BLEU of one hypothesis (corpus BLEU of a corpus of one).</summary>
    public static double Sentence(IReadOnlyList<string> hypothesis, References references, int maxN) =>
        Score([(hypothesis, references)], maxN);

    /// <summary>
    /// Self-BLEU-<paramref name="maxN"/> (Zhu et al. 2018, Texygen): the mean sentence BLEU of each sample with all the
    /// other samples as references. High: the samples repeat each other (low diversity).
    /// </summary>
    public static double SelfBleu(IReadOnlyList<IReadOnlyList<string>> samples, int maxN)
    {
        if (samples.Count < 2) return 0;
        double sum = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            var others = new References(samples.Where((_, j) => j != i), maxN);
            sum += Sentence(samples[i], others, maxN);
        }
        return sum / samples.Count;
    }

    private static double Score(IEnumerable<(IReadOnlyList<string> Hypothesis, References References)> pairs, int maxN)
    {
        var matches = new double[maxN];
        var totals = new double[maxN];
        long hypothesisLength = 0, referenceLength = 0;
        foreach (var (hypothesis, references) in pairs)
        {
            hypothesisLength += hypothesis.Count;
            referenceLength += references.ClosestLength(hypothesis.Count);
            foreach (var (gram, count) in Counts(hypothesis, maxN))
            {
                var n = Order(gram);
                totals[n - 1] += count;
                matches[n - 1] += Math.Min(count, references.MaxCount(gram));
            }
        }
        if (hypothesisLength == 0) return 0;
        double logSum = 0;
        for (var n = 0; n < maxN; n++)
        {
            if (totals[n] == 0) return 0; // hypotheses shorter than n: no n-gram precision to speak of (as NLTK)
            logSum += Math.Log((matches[n] > 0 ? matches[n] : Epsilon) / totals[n]);
        }
        var brevity = hypothesisLength < referenceLength ? Math.Exp(1 - (double)referenceLength / hypothesisLength) : 1;
        return brevity * Math.Exp(logSum / maxN);
    }

    private const char Separator = '\u0001';

    private static int Order(string gram) => gram.Count(c => c == Separator) + 1;

    /// <summary>Every n-gram of orders 1…maxN with its count, keyed by its tokens joined with \u0001.</summary>
    private static Dictionary<string, int> Counts(IReadOnlyList<string> tokens, int maxN)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 1; n <= maxN; n++)
            for (var i = 0; i + n <= tokens.Count; i++)
            {
                var gram = string.Join(Separator, Enumerable.Range(i, n).Select(k => tokens[k]));
                counts[gram] = counts.GetValueOrDefault(gram) + 1;
            }
        return counts;
    }
}
