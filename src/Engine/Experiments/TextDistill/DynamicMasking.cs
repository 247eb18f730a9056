using TorchSharp;
using Vinula.Engine.Text;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.TextDistill;

/// <summary>
/// BERT's masked-LM corruption (Devlin et al. 2019, §3.1 and appendix A.1), drawn afresh for every batch as RoBERTa's
/// and DistilBERT's <b>dynamic masking</b> does (Liu et al. 2019, §4.1): each word is chosen as a prediction target
/// with probability p; a chosen word becomes &lt;mask&gt; 80 % of the time, a random word 10 %, and stays itself 10 %.
/// Only real words are chosen: never &lt;pad&gt;, the other specials, or &lt;unk&gt; (predicting "some rare word"
/// would flatter the accuracy; BERT's word pieces have no unknowns to skip).
/// </summary>
public static class DynamicMasking
{
    /// <summary>The label cross-entropy ignores: a position that is not a target.</summary>
    public const long Ignore = -100;

    public const double MaskShare = 0.8;
    public const double RandomShare = 0.1;

    /// <summary>Corrupts <paramref name="ids"/> [B, S]: returns the model's input and the targets (the original id at
    /// chosen positions, <see cref="Ignore"/> elsewhere). Random replacements are regular words, drawn uniformly.</summary>
    public static (Tensor Input, Tensor Targets) Apply(Tensor ids, double probability, int vocabularySize, torch.Generator random)
    {
        var eligible = ids.ge(Vocabulary.SpecialCount);
        var chosen = rand(ids.shape, generator: random).lt(probability).logical_and(eligible);
        var how = rand(ids.shape, generator: random);
        var replacements = randint(Vocabulary.SpecialCount, Math.Max(Vocabulary.SpecialCount + 1, vocabularySize), ids.shape, generator: random);
        var toMask = chosen.logical_and(how.lt(MaskShare));
        var toRandom = chosen.logical_and(how.ge(MaskShare)).logical_and(how.lt(MaskShare + RandomShare));
        var input = ids.masked_fill(toMask, Vocabulary.Mask).where(toRandom.logical_not(), replacements);
        var targets = ids.masked_fill(chosen.logical_not(), Ignore);
        return (input, targets);
    }
}
