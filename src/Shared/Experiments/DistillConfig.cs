namespace Vinula.Shared.Experiments;

/// <summary>The architecture of an MNIST classifier.</summary>
public enum ClassifierModel
{
    /// <summary>Fully connected: hidden layer widths only.</summary>
    Mlp,

    /// <summary>LeNet-style: 5×5 convolutions with 2×2 max-pooling (<c>channels</c>), then the hidden widths.</summary>
    Cnn,
}

/// <summary>An MNIST classifier: architecture, hidden layer widths (and, for a CNN, convolution channels),
/// dropout, and an optional epoch count that overrides the run's <c>epochs</c> for this model.</summary>
public abstract class ClassifierConfig
{
    public ClassifierModel Model { get; set; } = ClassifierModel.Mlp;

    /// <summary>Output channels of each convolution block; used when <c>model</c> is <c>cnn</c>.</summary>
    public List<int> Channels { get; set; } = [16, 32];

    public List<int> Hidden { get; set; } = [];
    public double Dropout { get; set; }
    public int? Epochs { get; set; }
}

public sealed class TeacherConfig : ClassifierConfig
{
    /// <summary>A small LeNet-style CNN: ~99 % on the 2,000 test digits after 10 epochs, well above what
    /// the student reaches alone, so there is a gap for distillation to recover.</summary>
    public TeacherConfig()
    {
        Model = ClassifierModel.Cnn;
        Channels = [16, 32];
        Hidden = [128];
        Dropout = 0.3;
        Epochs = 10;
    }
}

public sealed class StudentConfig : ClassifierConfig
{
    public StudentConfig()
    {
        Hidden = [128];
        Dropout = 0;
    }
}

/// <summary>What every teacher → student experiment on MNIST shares: the two models, a teacher to reuse, the
/// weight of the soft term, jitter and the scratch baseline.</summary>
public abstract class DistillationConfig : ExperimentConfig
{
    /// <summary>Measured on 2 cores: the student gets 40 epochs because matching soft targets converges more
    /// slowly than fitting labels; the teacher's own <c>epochs</c> (10) overrides it.</summary>
    protected DistillationConfig()
    {
        Epochs = 40;
        LearningRate = 3e-3;
    }

    public TeacherConfig Teacher { get; set; } = new();
    public StudentConfig Student { get; set; } = new();

    /// <summary>When set, the teacher of that finished run is reused instead of training one.</summary>
    public string? TeacherRunId { get; set; }

    /// <summary>Weight α of the soft term; 1 − α weighs the hard-label cross-entropy.</summary>
    public double Alpha { get; set; } = 0.9;

    /// <summary>Shift training digits by up to this many pixels each step (0 = off); every model sees the same
    /// kind of jitter, and the student's soft targets come from the teacher on the shifted digit.</summary>
    public int Jitter { get; set; } = 2;

    /// <summary>Also train the same student from scratch on labels, same seed, as the baseline.</summary>
    public bool TrainBaseline { get; set; } = true;

    /// <summary>Training digits the student and its baseline see (their transfer set); null = all that
    /// <c>omitDigits</c> leaves. Drawn from the seed, stratified by digit; the teacher always trains on the whole
    /// training split, so a small transfer set shows how much the soft targets carry (Hinton et al. 2015, §3).</summary>
    public int? TransferSize { get; set; }

    /// <summary>Digits left out of the transfer set (e.g. [3]); the teacher still sees them. Hinton et al. 2015, §3:
    /// a student that never saw a 3 still recognises most test 3s from the teacher's soft targets.</summary>
    public List<int> OmitDigits { get; set; } = [];

    /// <summary>After training, add one bias to the omitted digits' logits, chosen on the validation slice (never
    /// the test set), and report accuracy before and after (Hinton et al. 2015, §3).</summary>
    public bool BiasCorrection { get; set; }
}

/// <summary>Teacher → student on MNIST with softened targets (Hinton, Vinyals &amp; Dean 2015). Defaults: ~40 s on
/// 2 cores for teacher, student and baseline, all above 95 % on the test split.</summary>
[ExperimentKind(ExperimentKinds.Distill)]
public sealed class DistillConfig : DistillationConfig
{
    /// <summary>Softmax temperature T of the soft targets.</summary>
    public double Temperature { get; set; } = 4;

    public DistillLoss Loss { get; set; } = DistillLoss.SoftKl;
}

/// <summary>One teacher, then one student per temperature and seed (soft-kl), and the scratch baseline per seed,
/// all in one run. <c>seed</c> seeds the teacher; <c>seeds</c> the students and baselines.</summary>
[ExperimentKind(ExperimentKinds.TemperatureSweep)]
public sealed class TemperatureSweepConfig : DistillationConfig
{
    /// <summary>10 students of 20 epochs and 2 baselines: about 90 s on 2 cores.</summary>
    public TemperatureSweepConfig() => Epochs = 20;

    public List<double> Temperatures { get; set; } = [1, 2, 5, 10, 20];

    public List<int> Seeds { get; set; } = [1, 2];
}
