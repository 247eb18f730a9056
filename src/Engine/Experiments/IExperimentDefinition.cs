using System.Text.Json.Nodes;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Experiments;

/// <summary>A named partial config; missing fields take the kind's defaults.</summary>
public sealed record Preset(string Name, string Description, JsonObject Config);

/// <summary>An experiment kind: its config type and defaults, presets, validation, and how to run it.</summary>
public interface IExperimentDefinition
{
    string Kind { get; }
    string Title { get; }

    /// <summary>One paragraph for the New experiment page: what it trains and the formula behind it.</summary>
    string Description { get; }

    Type ConfigType { get; }
    ExperimentConfig CreateDefault();
    IReadOnlyList<Preset> Presets { get; }

    /// <summary>The defaults a partial config starts from when they depend on what it asks for (text-distill's
    /// <c>task</c>); null: <see cref="CreateDefault"/>'s.</summary>
    ExperimentConfig? DefaultsFor(JsonObject partial) => null;

    /// <summary>Every problem with the config, each naming its field (paths relative to the config).</summary>
    IReadOnlyList<ValidationError> Validate(ExperimentConfig config, IRunLibrary library);

    /// <summary>After validation: fill in what the config refers to (a reused teacher's architecture), so the
    /// stored config says what the run really trains.</summary>
    void Resolve(ExperimentConfig config, IRunLibrary library);

    /// <summary>A readable default run name (e.g. "distill T=4 α=0.9").</summary>
    string DefaultName(ExperimentConfig config);

    IExperimentRun Create(ExperimentConfig config, RunContext context);
}

/// <summary>Typed base: casts once so each kind works with its own config class.</summary>
public abstract class ExperimentDefinition<TConfig> : IExperimentDefinition where TConfig : ExperimentConfig, new()
{
    public abstract string Kind { get; }
    public abstract string Title { get; }
    public abstract string Description { get; }
    public Type ConfigType => typeof(TConfig);
    public virtual IReadOnlyList<Preset> Presets => [];

    public ExperimentConfig CreateDefault() => new TConfig();

    public virtual ExperimentConfig? DefaultsFor(JsonObject partial) => null;

    public IReadOnlyList<ValidationError> Validate(ExperimentConfig config, IRunLibrary library)
    {
        var errors = new ValidationErrors();
        CommonRules.Check((TConfig)config, errors);
        Validate((TConfig)config, library, errors);
        return errors;
    }

    public string DefaultName(ExperimentConfig config) => DefaultName((TConfig)config);

    public void Resolve(ExperimentConfig config, IRunLibrary library) => Resolve((TConfig)config, library);

    protected virtual void Resolve(TConfig config, IRunLibrary library) { }

    public IExperimentRun Create(ExperimentConfig config, RunContext context) => Create((TConfig)config, context);

    protected abstract void Validate(TConfig config, IRunLibrary library, ValidationErrors errors);
    protected abstract string DefaultName(TConfig config);
    protected abstract IExperimentRun Create(TConfig config, RunContext context);
}
