using System.Text.Json.Nodes;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.Gan;

/// <summary>Validation, naming and presets shared by <c>gan</c> and <c>cgan</c>.</summary>
public abstract class GanExperimentBase<TConfig> : ExperimentDefinition<TConfig> where TConfig : GanConfigBase, new()
{
    protected abstract bool Conditional { get; }

    protected override void Validate(TConfig config, IRunLibrary library, ValidationErrors errors)
    {
        errors.Range("latentDim", config.LatentDim, 1, 1024);
        errors.Range("discriminatorSteps", config.DiscriminatorSteps, 1, 10);
        errors.Widths("hidden", config.Hidden, maxLayers: 4, maxWidth: 4096);
        if (config.Hidden is not null) // generator and discriminator mirror each other
            errors.MlpMemory("hidden", "GAN", config.LatentDim + MnistData.Classes, config.Hidden, MnistData.Pixels, copies: 2, config.BatchSize);
    }

    protected override string DefaultName(TConfig config) =>
        $"{(Conditional ? "cGAN" : "GAN")} z={config.LatentDim} " +
        (config.Architecture == GanArchitecture.Conv ? "DCGAN" : string.Join('-', config.Hidden)) +
        (config.DiscriminatorSteps > 1 ? $", {config.DiscriminatorSteps} D steps" : "");

    protected override IExperimentRun Create(TConfig config, RunContext context) => new GanRun(config, Conditional, context);
}

public sealed class GanExperiment : GanExperimentBase<GanConfig>
{
    public override string Kind => ExperimentKinds.Gan;
    public override string Title => "Generative adversarial network";
    protected override bool Conditional => false;

    public override string Description =>
        "A generator G turns noise z into digits; a discriminator D tells them from real ones. (1) update D on real and " +
        "detached fake batches, (2) update G to fool D with D frozen (Goodfellow et al. 2014, non-saturating loss). Samples " +
        "from one fixed noise batch every epoch show the progress.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("MLP GAN digits", "The defaults: MLP generator (with batch norm) and discriminator, 60 epochs; about a minute on 2 cores.", new JsonObject()),
        new("DCGAN digits", "Small convolutional networks (Radford et al. 2016): strokes instead of speckles; 25 epochs, about 95 s on 2 cores.",
            new JsonObject { ["architecture"] = "conv", ["epochs"] = 25 }),
        new("Two D steps per G step", "A stronger discriminator: k = 2 as in Goodfellow et al.'s algorithm 1.",
            new JsonObject { ["discriminatorSteps"] = 2 }),
    ];
}

public sealed class CganExperiment : GanExperimentBase<CganConfig>
{
    public override string Kind => ExperimentKinds.Cgan;
    public override string Title => "Conditional GAN";
    protected override bool Conditional => true;

    public override string Description =>
        "G and D both see the digit's label as a one-hot vector (Mirza & Osindero 2014): G draws the digit it is asked for. " +
        "The sample grid has one row per digit, the same ten noise vectors in every row.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("cGAN one row per digit", "The defaults: 60 epochs; about a minute on 2 cores.", new JsonObject()),
    ];
}

/// <summary>One adversarial phase over the whole training split.</summary>
public sealed class GanRun : IExperimentRun
{
    private readonly GanConfigBase _config;
    private readonly bool _conditional;
    private readonly ClassifierData _data;
    private nn.Module<Tensor, Tensor>? _generator;
    private nn.Module<Tensor, Tensor>? _discriminator;

    public GanRun(GanConfigBase config, bool conditional, RunContext context)
    {
        _config = config;
        _conditional = conditional;
        _data = ClassifierData.ForRun(config, context);
        Plan = [new PhasePlan(conditional ? "cgan" : "gan", config.Epochs, _data.StepsPerEpoch(config.BatchSize))];
    }

    public IReadOnlyList<PhasePlan> Plan { get; }

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context)
    {
        var conditions = _conditional ? MnistData.Classes : 0;
        var conv = _config.Architecture == GanArchitecture.Conv;
        _generator = conv
            ? new Models.ConvGenerator(_config.LatentDim, conditions)
            : new Models.Generator(_config.LatentDim, _config.Hidden, MnistData.Pixels, conditions);
        using (var random = Seeds.Generator(_config.Seed, Seeds.Of("generator")))
            _generator.Initialise(random);
        _discriminator = conv
            ? new Models.ConvDiscriminator(MnistData.Side, conditions)
            : new Models.Discriminator(MnistData.Pixels, [.. _config.Hidden.AsEnumerable().Reverse()], conditions);
        using (var random = Seeds.Generator(_config.Seed, Seeds.Of("discriminator")))
            _discriminator.Initialise(random);
        if (context.Device.type != DeviceType.CPU)
        {
            _generator = _generator.to(context.Device);
            _discriminator = _discriminator.to(context.Device);
        }
        return new GanPhase(plan, _generator, _discriminator, _config, _conditional, _data);
    }

    public void Complete(RunContext context) =>
        context.Log($"done: over the last epoch D loss {context.Summary.GetValueOrDefault("d.loss"):0.000}, G loss {context.Summary.GetValueOrDefault("g.loss"):0.000}.");

    public void Dispose()
    {
        _generator?.Dispose();
        _discriminator?.Dispose();
        _data.Dispose();
    }
}
