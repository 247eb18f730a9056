namespace Vinula.Shared.Experiments;

/// <summary>How <c>text-gan</c> cuts sentences into tokens.</summary>
public enum TextGanTokenizer
{
    /// <summary>Words and punctuation marks.</summary>
    Word,

    /// <summary>Characters (a space is a token).</summary>
    Char,
}

/// <summary>
/// SeqGAN (Yu et al. 2017): an LSTM language model pretrained by maximum likelihood, a CNN discriminator, then the
/// generator trained by REINFORCE with the discriminator's score as reward. The common <c>epochs</c> field is the
/// epoch count of every phase that does not set its own (<c>pretrainEpochs</c>, <c>adversarialEpochs</c>); D's
/// pretraining always takes <c>epochs</c> epochs of <c>discriminatorSteps</c> steps. Measured on a shared 2-core machine (load ~5): an MLE epoch of 10,000 sentences ~30 s, the D epoch ~36 s for 157 steps, an
/// adversarial step with 4 rollouts ~4 s; the defaults (3 MLE epochs, 60 D steps, 36 adversarial steps with 2 rollouts)
/// are sized for about 3–4 minutes there.
/// </summary>
[ExperimentKind(ExperimentKinds.TextGan)]
public sealed class TextGanConfig : ExperimentConfig
{
    public const string Brown = "brown";

    public TextGanConfig()
    {
        BatchSize = 64;
        LearningRate = 2e-3;
        TrainSize = 10_000;
        Epochs = 3;
    }

    /// <summary><c>brown</c>, or the id of an uploaded corpus (one sentence a line).</summary>
    public string Corpus { get; set; } = Brown;

    public TextGanTokenizer Tokenizer { get; set; } = TextGanTokenizer.Word;

    /// <summary>Maximum-likelihood (teacher-forced) epochs of the generator; null: <c>epochs</c>.</summary>
    public int? PretrainEpochs { get; set; }

    /// <summary>Steps per epoch of D's pretraining on real sentences against samples of the MLE generator (fewer
    /// when one pass over the training sentences is shorter).</summary>
    public int DiscriminatorSteps { get; set; } = 20;

    /// <summary>Adversarial epochs (null: <c>epochs</c>); each takes <see cref="AdversarialSteps"/> generator updates (fewer when one pass
    /// over the training sentences is shorter), each followed by one discriminator update.</summary>
    public int? AdversarialEpochs { get; set; }

    public int AdversarialSteps { get; set; } = 12;

    /// <summary>Monte Carlo completions of each prefix scored by D (SeqGAN); 0: D's score of the whole sentence
    /// rewards every token.</summary>
    public int Rollouts { get; set; } = 2;

    /// <summary>Generator learning rate in the adversarial phase (REINFORCE gradients are noisy: smaller than MLE's).</summary>
    public double AdversarialLearningRate { get; set; } = 1e-4;

    /// <summary>Softmax temperature of the samples shown and scored (1 = the model's own distribution).</summary>
    public double SamplingTemperature { get; set; } = 1.0;

    /// <summary>Tokens per sentence (longer ones are cut); the generator also emits an end token.</summary>
    public int MaxLength { get; set; } = 16;

    /// <summary>Vocabulary size, the five special tokens included; rarer tokens become &lt;unk&gt;.</summary>
    public int VocabularySize { get; set; } = 3000;

    public int Embedding { get; set; } = 64;

    /// <summary>LSTM width of the generator.</summary>
    public int Hidden { get; set; } = 128;

    /// <summary>Filters per kernel width (2, 3, 4, 5) of the discriminator's CNN.</summary>
    public int Filters { get; set; } = 64;

    /// <summary>Samples scored by BLEU and self-BLEU at the end (per generator and temperature).</summary>
    public int EvalSamples { get; set; } = 200;

    /// <summary>Publish a few decoded samples every this many training steps.</summary>
    public int SampleEvery { get; set; } = 20;
}
