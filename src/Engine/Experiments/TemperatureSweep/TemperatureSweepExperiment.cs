using System.Globalization;
using System.Text.Json.Nodes;
using Vinula.Engine.Experiments.Distill;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Experiments.TemperatureSweep;

/// <summary>The <c>temperature-sweep</c> kind: validation, presets and naming; <see cref="TemperatureSweepRun"/> trains it.</summary>
public sealed class TemperatureSweepExperiment : ExperimentDefinition<TemperatureSweepConfig>
{
    public const int MaxModels = 60;

    public override string Kind => ExperimentKinds.TemperatureSweep;
    public override string Title => "Temperature sweep";

    public override string Description =>
        "One teacher, then one student per temperature T and seed, and the student from scratch per seed, in one run. " +
        "Student test accuracy against T (log axis) fills in as each student finishes; the best T is chosen on the " +
        "validation slice, and every figure is a mean with its spread over seeds.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("Five temperatures, two seeds", "The defaults: T = 1, 2, 5, 10, 20 for seeds 1 and 2, 20 epochs per student; about 90 s on 2 cores.",
            new JsonObject()),
        new("Quick look", "Three temperatures, one seed, 1,000 digits: a first curve in about 20 s. One seed is no conclusion.",
            new JsonObject { ["temperatures"] = new JsonArray(1, 4, 20), ["seeds"] = new JsonArray(1), ["trainSize"] = 1000 }),
        new("Wide sweep, three seeds", "T from 0.5 to 50 on a log grid, three seeds: the full curve with its spread (several minutes).",
            new JsonObject { ["temperatures"] = new JsonArray(0.5, 1, 2, 4, 8, 16, 32, 50), ["seeds"] = new JsonArray(1, 2, 3) }),
        new(DarkKnowledgePresets.NoThreesName, DarkKnowledgePresets.NoThreesSweep, DarkKnowledgePresets.NoThreesSweepConfig()),
        new(DarkKnowledgePresets.SmallTransferName, DarkKnowledgePresets.SmallTransferSweep, DarkKnowledgePresets.SmallTransferSweepConfig()),
    ];

    protected override void Validate(TemperatureSweepConfig config, IRunLibrary library, ValidationErrors errors)
    {
        DistillationRules.Check(config, library, errors);
        if (config.Temperatures is not { Count: > 0 })
            errors.Add("temperatures", "temperatures must list at least one temperature.");
        else
        {
            for (var i = 0; i < config.Temperatures.Count; i++)
                errors.Positive($"temperatures[{i}]", config.Temperatures[i], 1000);
            if (config.Temperatures.Distinct().Count() != config.Temperatures.Count)
                errors.Add("temperatures", "temperatures must not repeat a value.");
        }
        if (config.Seeds is not { Count: > 0 })
            errors.Add("seeds", "seeds must list at least one seed.");
        else
        {
            for (var i = 0; i < config.Seeds.Count; i++)
                errors.Range($"seeds[{i}]", config.Seeds[i], 0, int.MaxValue);
            if (config.Seeds.Distinct().Count() != config.Seeds.Count)
                errors.Add("seeds", "seeds must not repeat a value.");
        }
        var models = (config.Temperatures?.Count ?? 0) * (config.Seeds?.Count ?? 0);
        if (models > MaxModels)
            errors.Add("temperatures", $"{models} students ({config.Temperatures!.Count} temperatures × {config.Seeds!.Count} seeds) is more than the {MaxModels} one run may train.");
    }

    protected override void Resolve(TemperatureSweepConfig config, IRunLibrary library) => DistillationRules.ResolveTeacher(config, library);

    protected override string DefaultName(TemperatureSweepConfig config) =>
        $"sweep T={string.Join(',', config.Temperatures.Select(t => t.ToString(CultureInfo.InvariantCulture)))} " +
        $"× {config.Seeds.Count} seed{(config.Seeds.Count == 1 ? "" : "s")}";

    protected override IExperimentRun Create(TemperatureSweepConfig config, RunContext context) => new TemperatureSweepRun(config, context);
}
