using System.Text.Json.Nodes;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.Vae;

/// <summary>Validation and naming shared by <c>vae</c> and <c>cvae</c>.</summary>
public abstract class VaeExperimentBase<TConfig> : ExperimentDefinition<TConfig>, ILatentModelKind where TConfig : VaeConfigBase, new()
{
    protected abstract bool Conditional { get; }

    protected override void Validate(TConfig config, IRunLibrary library, ValidationErrors errors)
    {
        errors.Range("latentDim", config.LatentDim, 1, 256);
        errors.Range("beta", config.Beta, 0, 100);
        errors.Widths("hidden", config.Hidden, maxLayers: 4, maxWidth: 4096);
        if (config.Hidden is { Count: > 0 } hidden) // encoder and mirrored decoder, plus the log σ² head
            errors.MlpMemory("hidden", Conditional ? "cVAE" : "VAE", MnistData.Pixels, hidden, config.LatentDim, copies: 2, config.BatchSize,
                extraParameters: (long)hidden[^1] * config.LatentDim);
    }

    protected override string DefaultName(TConfig config) =>
        $"{(Conditional ? "cVAE" : "VAE")} z={config.LatentDim}" + (config.Beta == 1 ? "" : $" β={config.Beta.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    protected override IExperimentRun Create(TConfig config, RunContext context) => new VaeRun(config, Conditional, context);

    public LatentModel Load(ExperimentConfig config, Func<string, byte[]?> checkpoint, MnistData mnist) =>
        new VaeLatentModel(LatentModel.ReadWeights(VaeModels.Create((TConfig)config, Conditional), checkpoint(Checkpoint.NameFor(VaeModels.Role(Conditional)))));
}

/// <summary>The VAE network of a config: one factory for training (vae, cvae, vaegan) and analysis.</summary>
public static class VaeModels
{
    public static Models.Vae Create(VaeConfigBase config, bool conditional) =>
        new(MnistData.Pixels, config.Hidden, config.LatentDim, conditional ? MnistData.Classes : 0);

    /// <summary>The phase (and checkpoint) role of a VAE or cVAE run.</summary>
    public static string Role(bool conditional) => conditional ? "cvae" : "vae";
}

/// <summary>The <c>vae</c> kind: a dense VAE trained on −ELBO by the shared runner.</summary>
public sealed class VaeExperiment : VaeExperimentBase<VaeConfig>
{
    protected override bool Conditional => false;

    public override string Kind => ExperimentKinds.Vae;
    public override string Title => "Variational autoencoder";

    public override string Description =>
        "Encode each digit as a Gaussian q(z|x) = N(μ, diag σ²), sample z = μ + σ·ε (reparameterisation), decode a Bernoulli " +
        "p(x|z). Train on −ELBO = E_q[−log p(x|z)] + KL(q(z|x) ‖ N(0, I)) (Kingma & Welling 2014); with a 2-D latent, watch the " +
        "decoder's manifold form epoch by epoch.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("VAE 2-D manifold", "A 2-D latent: the manifold of digits, drawn every epoch; about 15 s on 2 cores.", new JsonObject()),
        new("VAE, 16 latents", "More latent units: better ELBO, and the active-units count shows how many it uses.",
            new JsonObject { ["latentDim"] = 16 }),
        new("β-VAE (β = 4)", "A heavier KL term: smoother latents, blurrier reconstructions, fewer active units.",
            new JsonObject { ["latentDim"] = 16, ["beta"] = 4.0 }),
    ];

}

/// <summary>The <c>cvae</c> kind: encoder and decoder conditioned on the label (Sohn et al. 2015).</summary>
public sealed class CvaeExperiment : VaeExperimentBase<CvaeConfig>
{
    protected override bool Conditional => true;
    public override string Kind => ExperimentKinds.Cvae;
    public override string Title => "Conditional VAE";

    public override string Description =>
        "q(z|x, y) and p(x|z, y) both see the label y, so z only has to carry the style (slant, thickness). Style transfer: " +
        "encode a digit, decode its z with every label 0–9 — the lecture's seed-label grid. With a 2-D latent, one manifold per digit.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("cVAE style transfer", "A 2-D style latent: the seed-label grid every epoch and one manifold per digit; about 15 s on 2 cores.", new JsonObject()),
        new("cVAE, 8 latents", "More style dimensions: sharper transfers.", new JsonObject { ["latentDim"] = 8 }),
    ];
}

public sealed class VaeRun : IExperimentRun
{
    private readonly VaeConfigBase _config;
    private readonly bool _conditional;
    private readonly ClassifierData _data;
    private Models.Vae? _model;

    public VaeRun(VaeConfigBase config, bool conditional, RunContext context)
    {
        _config = config;
        _conditional = conditional;
        _data = ClassifierData.ForRun(config, context);
        Plan = [new PhasePlan(VaeModels.Role(conditional), config.Epochs, _data.StepsPerEpoch(config.BatchSize))];
    }

    public IReadOnlyList<PhasePlan> Plan { get; }

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context)
    {
        using (var random = Seeds.Generator(_config.Seed, Seeds.Of(plan.Role)))
            _model = VaeModels.Create(_config, _conditional).Initialise(random);
        if (context.Device.type != DeviceType.CPU) _model = _model.to(context.Device);
        return new VaePhase(plan, _model, _data, _config);
    }

    public void Complete(RunContext context)
    {
        context.Summary["latent_dim"] = _config.LatentDim;
        context.Summary["beta"] = _config.Beta;
        if (context.Summary["active_units"] == 0)
            context.Log("warning: no latent unit is active: the posterior has collapsed onto the prior.");
        context.Log($"done: test ELBO {context.Summary["test.elbo"]:0.0} nats per image.");
    }

    public void Dispose()
    {
        _model?.Dispose();
        _data.Dispose();
    }
}
