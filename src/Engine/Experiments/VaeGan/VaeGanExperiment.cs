using System.Text.Json.Nodes;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments.Vae;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Experiments.VaeGan;

/// <summary>The <c>vaegan</c> kind (Larsen et al. 2016).</summary>
public sealed class VaeGanExperiment : ExperimentDefinition<VaeGanConfig>, ILatentModelKind
{
    public override string Kind => ExperimentKinds.VaeGan;
    public override string Title => "VAE/GAN";

    public override string Description =>
        "A VAE whose decoder is also a GAN's generator (Larsen et al. 2016): reconstruction is measured in the " +
        "discriminator's feature space (with a pixel-space term that keeps the encoder from collapsing at this scale), " +
        "and the decoder is trained to fool D on reconstructions and prior samples; γ weighs the two in the decoder's loss.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("VAE/GAN digits", "16 latents, 20 epochs; about 45 s on 2 cores.", new JsonObject()),
    ];

    protected override void Validate(VaeGanConfig config, IRunLibrary library, ValidationErrors errors)
    {
        errors.Range("latentDim", config.LatentDim, 1, 256);
        errors.Range("gamma", config.Gamma, 0, 1000);
        errors.Range("beta", config.Beta, 0, 100);
        errors.Widths("hidden", config.Hidden, maxLayers: 4, maxWidth: 4096);
        if (config.Hidden is not null) // encoder, decoder and discriminator
            errors.MlpMemory("hidden", "VAE/GAN", MnistData.Pixels, config.Hidden, config.LatentDim, copies: 3, config.BatchSize);
    }

    protected override string DefaultName(VaeGanConfig config) =>
        $"VAE/GAN z={config.LatentDim} γ={config.Gamma.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    protected override IExperimentRun Create(VaeGanConfig config, RunContext context) => new VaeGanRun(config, context);

    public LatentModel Load(ExperimentConfig config, Func<string, byte[]?> checkpoint, MnistData mnist) =>
        new VaeLatentModel(LatentModel.ReadWeights(VaeModels.Create((VaeGanConfig)config, conditional: false), checkpoint(Checkpoint.NameFor(VaeGanRun.Role))));
}

public sealed class VaeGanRun : IExperimentRun
{
    /// <summary>The phase (and checkpoint) role.</summary>
    public const string Role = "vaegan";

    private readonly VaeGanConfig _config;
    private readonly ClassifierData _data;
    private Models.Vae? _vae;
    private Models.Discriminator? _discriminator;

    public VaeGanRun(VaeGanConfig config, RunContext context)
    {
        _config = config;
        _data = ClassifierData.ForRun(config, context);
        Plan = [new PhasePlan(Role, config.Epochs, _data.StepsPerEpoch(config.BatchSize))];
    }

    public IReadOnlyList<PhasePlan> Plan { get; }

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context)
    {
        using (var random = Seeds.Generator(_config.Seed, Seeds.Of("vaegan")))
        {
            // One stream for both, in this order: the weights a seed gives stay those of earlier versions.
            _vae = VaeModels.Create(_config, conditional: false).Initialise(random);
            _discriminator = new Models.Discriminator(MnistData.Pixels, [.. _config.Hidden.AsEnumerable().Reverse().Append(128)]).Initialise(random);
        }
        if (context.Device.type != DeviceType.CPU)
        {
            _vae = _vae.to(context.Device);
            _discriminator = _discriminator.to(context.Device);
        }
        // d.loss and g.loss (means over the last epoch), as for gan and cgan.
        return new LastEpochMeans(new VaeGanPhase(plan, _vae, _discriminator, _data, _config), "d/loss", "g/loss");
    }

    public void Complete(RunContext context)
    {
        context.Summary["latent_dim"] = _config.LatentDim;
        context.Summary["gamma"] = _config.Gamma;
    }

    public void Dispose()
    {
        _vae?.Dispose();
        _discriminator?.Dispose();
        _data.Dispose();
    }
}
