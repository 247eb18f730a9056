namespace Vinula.Shared.Experiments;

/// <summary>An MLP classifier on MNIST: hidden layer widths, dropout, and an optional epoch count that
/// overrides the run's <c>epochs</c> for this model.</summary>
public abstract class MlpConfig
{
    public List<int> Hidden { get; set; } = [];
    public double Dropout { get; set; }
    public int? Epochs { get; set; }
}

public sealed class TeacherConfig : MlpConfig
{
    public TeacherConfig()
    {
        Hidden = [800, 800];
        Dropout = 0.3;
    }
}

public sealed class StudentConfig : MlpConfig
{
    public StudentConfig()
    {
        Hidden = [64];
        Dropout = 0;
    }
}

/// <summary>Teacher → student on MNIST with softened targets (Hinton, Vinyals &amp; Dean 2015).</summary>
[ExperimentKind(ExperimentKinds.Distill)]
public sealed class DistillConfig : ExperimentConfig
{
    public TeacherConfig Teacher { get; set; } = new();
    public StudentConfig Student { get; set; } = new();

    /// <summary>When set, the teacher of that finished run is reused instead of training one.</summary>
    public string? TeacherRunId { get; set; }

    /// <summary>Softmax temperature T of the soft targets.</summary>
    public double Temperature { get; set; } = 4;

    /// <summary>Weight α of the soft term; 1 − α weighs the hard-label cross-entropy.</summary>
    public double Alpha { get; set; } = 0.9;

    public DistillLoss Loss { get; set; } = DistillLoss.SoftKl;

    /// <summary>Also train the same student from scratch on labels, same seed, as the baseline.</summary>
    public bool TrainBaseline { get; set; } = true;
}
