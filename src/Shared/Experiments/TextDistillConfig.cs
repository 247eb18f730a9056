using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vinula.Shared.Experiments;

/// <summary>What a text teacher → student run learns.</summary>
public enum TextDistillTask
{
    /// <summary>Brown-corpus genre of a passage (15 classes).</summary>
    Genre,

    /// <summary>DistilBERT-style masked language model: a BERT-style teacher pretrained here, a student with half its
    /// layers.</summary>
    Mlm,
}

/// <summary>Where the masked-LM student matches the teacher's softened word distribution.</summary>
public enum TextSoftTargets
{
    /// <summary>Every non-padding position (DistilBERT's default).</summary>
    All,

    /// <summary>Only the positions the masking chose.</summary>
    Masked,
}

/// <summary>The teacher: a small Transformer encoder over word embeddings; for <c>genre</c> mean-pooled over the
/// passage's tokens into a linear layer, for <c>mlm</c> with BERT's prediction head at every position.</summary>
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

/// <summary>The student (and the baseline). Task <c>genre</c>: word embeddings averaged over the passage, then a
/// linear layer to the genres (fastText-style), optionally through one hidden layer. Task <c>mlm</c>: the teacher's
/// architecture with fewer layers (<c>layers</c>); its width is the teacher's.</summary>
public sealed class TextStudentConfig
{
    /// <summary>Task <c>genre</c>: width of the averaged embeddings.</summary>
    public int Dim { get; set; } = 16;

    /// <summary>Task <c>mlm</c>: encoder layers (null: half the teacher's, as DistilBERT halves BERT's 12).</summary>
    public int? Layers { get; set; }

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

    /// <summary>Task <c>mlm</c>: the teacher layer (from 0) that seeds each student layer, in order, DistilBERT's
    /// initialisation; embeddings and the prediction head are copied too. Null: evenly spaced, every other layer when
    /// the student has half the teacher's (0, 2, 4, …); empty: the student starts from random weights. JSON
    /// <c>true</c> and <c>false</c> mean null and empty.</summary>
    [JsonConverter(typeof(TeacherLayersConverter))]
    public List<int>? InitFromTeacherLayers { get; set; }

    /// <summary>Task <c>mlm</c>: where the soft-target term applies.</summary>
    public TextSoftTargets SoftTargetPositions { get; set; } = TextSoftTargets.All;

    /// <summary>Task <c>mlm</c>: reuse the teacher of an earlier completed masked-LM run instead of pretraining one
    /// (its architecture, vocabulary size and passage length replace this config's).</summary>
    public string? TeacherRunId { get; set; }

    /// <summary>Task <c>mlm</c>: weights of the soft, hard and cosine terms.</summary>
    public TextLossWeights LossWeights { get; set; } = new();

    /// <summary>Task <c>mlm</c>: micro-batches (of <c>batchSize</c>) whose gradients add up before one optimiser step of
    /// the student and the baseline, as DistilBERT reaches its large batches; the teacher's pretraining steps every
    /// micro-batch (it needs the steps more than the batch size).</summary>
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

    /// <summary>The defaults of a task: a config posted with only <c>task</c> (or switched to it on the New page)
    /// starts from these. The masked LM needs a deeper, wider teacher than the genre classifier (so halving its layers
    /// shows), a small vocabulary (so the embeddings do not dwarf the layers) and shorter passages.</summary>
    public static TextDistillConfig ForTask(TextDistillTask task) => task == TextDistillTask.Mlm ? MlmDefaults() : new TextDistillConfig();

    /// <summary>Whether a stored text-distill config (JSON) is of the masked-LM task: the runs whose teacher can be
    /// reused.</summary>
    public static bool IsMaskedLm(JsonElement config) =>
        config.ValueKind == JsonValueKind.Object && config.TryGetProperty("task", out var task)
        && task.ValueKind == JsonValueKind.String && task.GetString() == "mlm";

    /// <summary>Reuses the teacher of run <paramref name="runId"/>, whose config is <paramref name="source"/>: its
    /// architecture, vocabulary size and passage length make the teacher (the vocabulary is rebuilt from the same
    /// training files, so the ids agree), so they replace this config's.</summary>
    public void ReuseTeacher(string runId, TextDistillConfig source)
    {
        TeacherRunId = runId;
        Task = TextDistillTask.Mlm;
        (Teacher, VocabularySize, PassageTokens) = (source.Teacher, source.VocabularySize, source.PassageTokens);
    }

    /// <summary>Takes the defaults of <paramref name="task"/> for every field whose default depends on the task (the
    /// New page's task switch); seed, temperature, loss weights and the rest stay as they are.</summary>
    public void UseTaskDefaults(TextDistillTask task)
    {
        var d = ForTask(task);
        if (task != TextDistillTask.Mlm) TeacherRunId = null; // only a masked-LM teacher is reused
        (Task, Epochs, BatchSize, LearningRate, TrainSize) = (d.Task, d.Epochs, d.BatchSize, d.LearningRate, d.TrainSize);
        (Teacher, Student, GradientAccumulation) = (d.Teacher, d.Student, d.GradientAccumulation);
        (PassageTokens, VocabularySize, TrainBagOfWords, BagOfWordsLearningRate) = (d.PassageTokens, d.VocabularySize, d.TrainBagOfWords, d.BagOfWordsLearningRate);
    }

    /// <summary>Measured on 2 cores: the 4-layer teacher leaves the "always the" plateau (8.7 %) after a few hundred
    /// steps of 32 passages and reaches 21 % masked-token accuracy after 3 epochs (1,311 steps), 25.6 % after 6, at
    /// ~22 s an epoch on an idle machine; 6 keeps the whole default run near 3–4 minutes.</summary>
    private static TextDistillConfig MlmDefaults() => new()
    {
        Task = TextDistillTask.Mlm,
        Epochs = 2,
        BatchSize = 32,
        LearningRate = 3e-3,
        Teacher = new TextTeacherConfig { Layers = 4, Dim = 64, Heads = 4, FeedForward = 256, Dropout = 0, Epochs = 6 },
        Student = new TextStudentConfig { Layers = null, Epochs = null, LearningRate = null },
        GradientAccumulation = 2,
        PassageTokens = 64,
        VocabularySize = 1000,
        TrainSize = null,
        TrainBagOfWords = false,
        BagOfWordsLearningRate = null,
    };
}

/// <summary>Reads <c>initFromTeacherLayers</c> as a list of layers, or the <c>true</c>/<c>false</c> of configs stored
/// before it named layers (true: the default choice, null; false: none, random init).</summary>
public sealed class TeacherLayersConverter : JsonConverter<List<int>?>
{
    public override bool HandleNull => true;

    public override List<int>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True or JsonTokenType.Null => null,
        JsonTokenType.False => [],
        JsonTokenType.StartArray => JsonSerializer.Deserialize<List<int>>(ref reader, options),
        _ => throw new JsonException("initFromTeacherLayers must be a list of teacher layers (from 0), true (every other layer) or false (random init)."),
    };

    public override void Write(Utf8JsonWriter writer, List<int>? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else JsonSerializer.Serialize(writer, value, options);
    }
}
