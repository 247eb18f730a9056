using System.Globalization;
using System.Text.Json.Nodes;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Engine.Experiments.Distill;

/// <summary>The <c>distill</c> kind: validation, presets and naming. <see cref="DistillRun"/> trains it.</summary>
public sealed class DistillExperiment : ExperimentDefinition<DistillConfig>
{
    public override string Kind => ExperimentKinds.Distill;
    public override string Title => "Knowledge distillation";

    public override string Description =>
        "Train a teacher (CNN or MLP) on MNIST, then a smaller student on the teacher's softened outputs " +
        "p_i = exp(v_i/T) / Σ_j exp(v_j/T): loss α·T²·KL(p_T‖q_T) + (1−α)·CE(y, q_1) (Hinton et al. 2015), " +
        "or the high-T limit of matching centred logits. Optionally the same student trained on labels alone, " +
        "same seed, as the baseline.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("CNN teacher → MLP student", "The defaults: a small CNN teacher (10 epochs) and a 784-128-10 student with its baseline (40 epochs each); about 40 s on 2 cores.",
            new JsonObject()),
        new("Hinton MNIST KD", "Hinton et al. 2015, §3: teacher 784-1200-1200-10 with dropout, student 784-800-800-10, T = 20, α = 0.9.",
            new JsonObject
            {
                ["epochs"] = 20,
                ["teacher"] = new JsonObject { ["model"] = "mlp", ["hidden"] = new JsonArray(1200, 1200), ["dropout"] = 0.5, ["epochs"] = 20 },
                ["student"] = new JsonObject { ["hidden"] = new JsonArray(800, 800), ["dropout"] = 0.0 },
                ["temperature"] = 20,
                ["alpha"] = 0.9,
            }),
        new("Logit matching (high-T limit)", "Match centred logits with a squared error: the T → ∞ limit of the soft loss.",
            new JsonObject { ["loss"] = "logit-mse", ["alpha"] = 0.9 }),
        new("Tiny student", "A 784-16-10 student: the gap to the teacher is large, so is what distillation recovers.",
            new JsonObject { ["student"] = new JsonObject { ["hidden"] = new JsonArray(16) }, ["temperature"] = 3 }),
        new("Labels only (α = 0)", "α = 0 turns the soft term off: the 'distilled' student is a second baseline.",
            new JsonObject { ["alpha"] = 0.0 }),
        new(DarkKnowledgePresets.NoThreesName, DarkKnowledgePresets.NoThreesDistill, DarkKnowledgePresets.NoThrees()),
        new(DarkKnowledgePresets.SmallTransferName, DarkKnowledgePresets.SmallTransferDistill, DarkKnowledgePresets.SmallTransfer()),
    ];

    protected override void Validate(DistillConfig config, IRunLibrary library, ValidationErrors errors)
    {
        DistillationRules.Check(config, library, errors);
        if (config.Loss == DistillLoss.SoftKl) // logit matching has no temperature
            errors.Positive("temperature", config.Temperature, 1000);
    }

    protected override void Resolve(DistillConfig config, IRunLibrary library) => DistillationRules.ResolveTeacher(config, library);

    protected override string DefaultName(DistillConfig config)
    {
        var t = config.Temperature.ToString("0.##", CultureInfo.InvariantCulture);
        var a = config.Alpha.ToString("0.##", CultureInfo.InvariantCulture);
        var student = string.Join('-', config.Student.Hidden);
        return config.Loss == DistillLoss.LogitMse
            ? $"distill logit-mse α={a} student {student}"
            : $"distill T={t} α={a} student {student}";
    }

    protected override IExperimentRun Create(DistillConfig config, RunContext context) => new DistillRun(config, context);
}
