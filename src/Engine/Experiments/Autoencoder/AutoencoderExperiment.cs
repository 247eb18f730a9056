using System.Text.Json.Nodes;
using Vinula.Engine.Data;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.Autoencoder;

/// <summary>The <c>autoencoder</c> kind: PCA in closed form, or a dense or conv autoencoder trained by the runner.</summary>
public sealed class AutoencoderExperiment : ExperimentDefinition<AutoencoderConfig>, ILatentModelKind
{
    public override string Kind => ExperimentKinds.Autoencoder;
    public override string Title => "PCA and autoencoders";

    public override string Description =>
        "Compress MNIST digits to a latent code and back. PCA keeps the top principal components (the best linear code, " +
        "Eckart–Young: its error is the sum of the dropped σ_i²); dense and convolutional autoencoders learn nonlinear codes. " +
        "Test error is the mean squared error per pixel.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("Dense AE, 16 latents", "784-256-16 and back: about 10 s on 2 cores.", new JsonObject()),
        new("PCA-16", "The top 16 principal components, fitted in closed form: the linear baseline.",
            new JsonObject { ["model"] = "pca" }),
        new("Conv AE, 7×7 latent map", "Convolutions down to one 7×7 map (49 numbers), as in the lecture.",
            new JsonObject { ["model"] = "conv", ["latentDim"] = 49 }),
        new("PCA-49", "PCA with as many numbers as the conv AE's 7×7 map, for the comparison at equal size.",
            new JsonObject { ["model"] = "pca", ["latentDim"] = 49 }),
    ];

    protected override void Validate(AutoencoderConfig config, IRunLibrary library, ValidationErrors errors)
    {
        errors.Range("latentDim", config.LatentDim, 1, MnistData.Pixels);
        if (config.Model == AutoencoderModel.Conv && config.LatentDim % AutoencoderConfig.ConvMapSize != 0)
            errors.Add("latentDim", $"A conv latent is a stack of 7×7 maps: latentDim must be a multiple of 49 (49, 98, …); got {config.LatentDim}.");
        if (config.Model == AutoencoderModel.Dense)
            errors.Widths("hidden", config.Hidden, maxLayers: 4, maxWidth: 4096);
        if (config.Model == AutoencoderModel.Conv)
            errors.Range("channels", config.Channels, 1, 256);
        if (config.Model == AutoencoderModel.Dense && config.Hidden is not null)
            errors.MlpMemory("hidden", "autoencoder", MnistData.Pixels, config.Hidden, config.LatentDim, copies: 2, config.BatchSize);
        if (config.Model == AutoencoderModel.Conv)
            errors.Memory("channels", "autoencoder", 2L * 9 * config.Channels * (1 + config.LatentDim / AutoencoderConfig.ConvMapSize),
                2L * (config.Channels * 196 + config.LatentDim + MnistData.Pixels), config.BatchSize);
    }

    protected override string DefaultName(AutoencoderConfig config) => config.Model switch
    {
        AutoencoderModel.Pca => $"PCA-{config.LatentDim}",
        AutoencoderModel.Conv => $"conv AE, {config.LatentDim / AutoencoderConfig.ConvMapSize}×7×7 latent",
        _ => $"dense AE {string.Join('-', config.Hidden)}-{config.LatentDim}",
    };

    protected override IExperimentRun Create(AutoencoderConfig config, RunContext context) => new AutoencoderRun(config, context);

    /// <summary>The dense or conv network of a config: one factory for training and analysis.</summary>
    public static nn.Module<Tensor, Tensor> CreateModel(AutoencoderConfig config) => config.Model == AutoencoderModel.Conv
        ? new ConvAutoencoder(MnistData.Side, config.Channels, config.LatentDim / AutoencoderConfig.ConvMapSize)
        : new DenseAutoencoder(MnistData.Pixels, config.Hidden, config.LatentDim);

    public LatentModel Load(ExperimentConfig config, Func<string, byte[]?> checkpoint, MnistData mnist)
    {
        var c = (AutoencoderConfig)config;
        if (c.Model != AutoencoderModel.Pca)
            return new AutoencoderLatentModel(LatentModel.ReadWeights(CreateModel(c), checkpoint(Checkpoint.NameFor(AutoencoderRun.Role))));
        // PCA has no checkpoint: refit on the same training digits (deterministic, a second or so).
        var rows = c.TrainSize is { } size ? Subsets.Stratified(mnist.Train, mnist.Labels, size, c.Seed) : mnist.Train;
        using var data = tensor(mnist.Gather(rows), [rows.Length, MnistData.Pixels]);
        return new PcaLatentModel(Pca.Fit(data, c.LatentDim));
    }
}

/// <summary>One phase: PCA (no steps) or the autoencoder's epochs.</summary>
public sealed class AutoencoderRun : IExperimentRun
{
    /// <summary>The trained autoencoder's phase (and checkpoint) role.</summary>
    public const string Role = "ae";

    private readonly AutoencoderConfig _config;
    private readonly ClassifierData _data;
    private nn.Module<Tensor, Tensor>? _model;

    public AutoencoderRun(AutoencoderConfig config, RunContext context)
    {
        _config = config;
        _data = ClassifierData.ForRun(config, context);
        Plan = config.Model == AutoencoderModel.Pca
            ? [new PhasePlan("pca", 0, 0)]
            : [new PhasePlan(Role, config.Epochs, _data.StepsPerEpoch(config.BatchSize))];
    }

    public IReadOnlyList<PhasePlan> Plan { get; }

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context)
    {
        if (_config.Model == AutoencoderModel.Pca) return new PcaPhase(plan, _data, _config.LatentDim);
        _model = AutoencoderExperiment.CreateModel(_config);
        using (var random = Seeds.Generator(_config.Seed, Seeds.Of(plan.Role)))
            _model.Initialise(random);
        if (context.Device.type != TorchSharp.DeviceType.CPU) _model = _model.to(context.Device);
        return new AutoencoderPhase(plan, _model, _data, _config);
    }

    public void Complete(RunContext context)
    {
        context.Summary["latent_dim"] = _config.LatentDim;
        context.Log($"done: test MSE per pixel {context.Summary["test.mse"]:0.00000} with {_config.LatentDim} latent numbers.");
    }

    public void Dispose()
    {
        _model?.Dispose();
        _data.Dispose();
    }
}
