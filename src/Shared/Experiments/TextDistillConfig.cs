namespace Vinula.Shared.Experiments;

/// <summary>What a text teacher → student run learns.</summary>
public enum TextDistillTask
{
    /// <summary>Brown-corpus genre of a passage (15 classes).</summary>
    Genre,

    /// <summary>DistilBERT-style masked language model (not built yet: validation refuses it).</summary>
    Mlm,
}

/// <summary>The teacher: a small Transformer encoder over word embeddings, mean-pooled over the passage's tokens.</summary>
public sealed class TextTeacherConfig
{
    /// <summary>Encoder layers.</summary>
    public int Layers { get; set; } = 2;

    /// <summary>Width d_model of embeddings and every layer.</summary>
    public int Dim { get; set; } = 48;

    public int Heads { get; set; } = 4;

    /// <summary>Width of each layer's feed-forward block.</summary>
    public int FeedForward { get; set; } = 96;

    public double Dropout { get; set; } = 0.1;

    /// <summary>Overrides the run's <c>epochs</c> for the teacher: 4 by default, as the teacher's epochs cost two
    /// orders of magnitude more than the student's.</summary>
    public int? Epochs { get; set; } = 4;

    /// <summary>Overrides the run's <c>learningRate</c> for the teacher.</summary>
    public double? LearningRate { get; set; }
}

/// <summary>The student (and the baseline): word embeddings averaged over the passage, then a linear layer to the
/// genres (fastText-style), optionally through one hidden layer.</summary>
public sealed class TextStudentConfig
{
    public int Dim { get; set; } = 16;

    /// <summary>Width of a hidden ReLU layer after the average; 0 = none (averaged embeddings → linear).</summary>
    public int Hidden { get; set; }

    public int? Epochs { get; set; }

    public double? LearningRate { get; set; } = 1e-2;
}

/// <summary>Weights of the masked-LM loss terms (DistilBERT, Sanh et al. 2019, §3): soft-target KL, hard MLM
/// cross-entropy, cosine between hidden states. Used by the <c>mlm</c> task.</summary>
public sealed class TextLossWeights
{
    public double Soft { get; set; } = 5;
    public double Hard { get; set; } = 2;
    public double Cosine { get; set; } = 1;
}

/// <summary>
/// Text teacher → student on the Brown corpus (PRODUCT.md, <c>text-distill</c>). Task <c>genre</c>: passages of
/// consecutive sentences labelled with their file's genre; a Transformer teacher, an averaged-embeddings student
/// distilled with α·T²·KL(p_T‖q_T) + (1−α)·CE, the same student from scratch, and a bag-of-words logistic
/// regression. Defaults: about 3 minutes on a busy 2-core machine, mostly the teacher.
/// </summary>
[ExperimentKind(ExperimentKinds.TextDistill)]
public sealed class TextDistillConfig : ExperimentConfig
{
    public TextDistillConfig()
    {
        Epochs = 6;
        BatchSize = 32;
        LearningRate = 1e-3;
    }

    public TextDistillTask Task { get; set; } = TextDistillTask.Genre;

    public TextTeacherConfig Teacher { get; set; } = new();
    public TextStudentConfig Student { get; set; } = new();

    /// <summary>Softmax temperature T of the soft targets.</summary>
    public double Temperature { get; set; } = 4;

    /// <summary>Weight α of the soft term; 1 − α weighs the hard-label cross-entropy (task <c>genre</c>).</summary>
    public double Alpha { get; set; } = 0.7;

    /// <summary>Task <c>mlm</c>: initialise the student's layers from every other teacher layer (DistilBERT).</summary>
    public bool InitFromTeacherLayers { get; set; } = true;

    /// <summary>Task <c>mlm</c>: weights of the soft, hard and cosine terms.</summary>
    public TextLossWeights LossWeights { get; set; } = new();

    /// <summary>Task <c>mlm</c>: batches whose gradients add up before one optimiser step.</summary>
    public int GradientAccumulation { get; set; } = 1;

    /// <summary>Task <c>mlm</c>: fraction of tokens masked.</summary>
    public double MaskProbability { get; set; } = 0.15;

    /// <summary>Also train the student from scratch on labels, same seed, as the baseline.</summary>
    public bool TrainBaseline { get; set; } = true;

    /// <summary>Also train a bag-of-words logistic regression (TF-IDF features) on the same split.</summary>
    public bool TrainBagOfWords { get; set; } = true;

    /// <summary>At most this many word tokens per passage (task <c>genre</c>).</summary>
    public int PassageTokens { get; set; } = 96;

    /// <summary>Words kept (specials included), most frequent in the training files first; the rest are &lt;unk&gt;.</summary>
    public int VocabularySize { get; set; } = 8000;

    /// <summary>Learning rate of the bag-of-words model (null: the run's).</summary>
    public double? BagOfWordsLearningRate { get; set; } = 1e-2;
}
