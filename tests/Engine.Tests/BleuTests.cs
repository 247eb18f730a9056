using Vinula.Engine.Experiments.TextGan;

namespace Vinula.Engine.Tests;

public class BleuTests
{
    private static string[] Words(string s) => s.Split(' ');

    private static Bleu.References Refs(params string[] sentences) => new(sentences.Select(s => (IReadOnlyList<string>)Words(s)), 4);

    [Fact]
    public void BleuMatchesAHandComputedCaseWithClippingAndSmoothing()
    {
        // hyp "the cat sat on the mat", ref "the cat is on the mat": p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0 → ε/3; BP = 1.
        var hypothesis = Words("the cat sat on the mat");
        var refs = Refs("the cat is on the mat");
        Assert.Equal(Math.Sqrt(5.0 / 6 * 3.0 / 5), Bleu.Sentence(hypothesis, refs, 2), 9);
        Assert.Equal(Math.Pow(5.0 / 6 * 3.0 / 5 * 1.0 / 4, 1.0 / 3), Bleu.Sentence(hypothesis, refs, 3), 9);
        Assert.Equal(Math.Pow(5.0 / 6 * 3.0 / 5 * 1.0 / 4 * (0.1 / 3), 1.0 / 4), Bleu.Sentence(hypothesis, refs, 4), 9);
    }

    [Fact]
    public void ARepeatedWordIsClippedToItsCountInOneReference()
    {
        // "the the the" against "the cat": unigram matches clipped to 1 of 3; no bigram match → ε/2. BP: c = 3 > r = 2.
        Assert.Equal(Math.Sqrt(1.0 / 3 * 0.1 / 2), Bleu.Sentence(Words("the the the"), Refs("the cat"), 2), 9);
    }

    [Fact]
    public void AShortHypothesisPaysTheBrevityPenaltyAgainstTheClosestReferenceLength()
    {
        // "the cat" against references of 6 and 9 tokens: r = 6, c = 2, BP = exp(1 − 6/2); both precisions 1.
        var refs = Refs("the cat is on the mat", "there is a cat sitting on the red mat");
        Assert.Equal(Math.Exp(-2), Bleu.Sentence(Words("the cat"), refs, 2), 9);
    }

    [Fact]
    public void CorpusBleuPoolsCountsAcrossHypotheses()
    {
        // Two hypotheses, one perfect ("a b"), one with no match ("c d"): p1 = 2/4, p2 = 1/2 (not the mean of sentence scores).
        var refs = Refs("a b");
        var corpus = Bleu.Corpus([Words("a b"), Words("c d")], refs, 2);
        Assert.Equal(0.5, corpus, 9);
    }

    [Fact]
    public void SelfBleuIsOneForIdenticalSamplesAndSmallForDisjointOnes()
    {
        Assert.Equal(1.0, Bleu.SelfBleu([Words("a b c d e"), Words("a b c d e"), Words("a b c d e")], 4), 9);
        var disjoint = Bleu.SelfBleu([Words("a b c d e"), Words("f g h i j"), Words("k l m n o")], 4);
        Assert.Equal(0.1 * Math.Pow(1.0 / (5 * 4 * 3 * 2), 1.0 / 4), disjoint, 9); // p_n = ε/(6 − n) for n = 1…4
    }
}
