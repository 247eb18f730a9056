using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Experiments.VaeGan;

/// <summary>
/// VAE/GAN (Larsen et al. 2016, algorithm 1). With x̃ = Dec(z), z ~ q(z|x), and x_p = Dec(z_p), z_p ~ N(0, I):
/// D minimises the GAN loss on x (real) against x̃ and x_p (fake); the encoder minimises KL + L_llike, the
/// reconstruction error in D's last hidden layer; the decoder minimises γ·L_llike plus fooling D on x̃ and x_p.
/// The three losses are charted; reconstructions and prior samples drawn every epoch.
/// </summary>
public sealed class VaeGanPhase : TrainingPhase
{
    private readonly Models.Vae _vae;
    private readonly Discriminator _discriminator;
    private readonly TorchSharp.Modules.Adam _optimizerE;
    private readonly TorchSharp.Modules.Adam _optimizerDec;
    private readonly TorchSharp.Modules.Adam _optimizerD;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _encoderParameters;
    private readonly ClassifierData _data;
    private readonly FixedSamples _samples;
    private readonly torch.Generator _random;
    private readonly int _batchSize;
    private readonly int _seed;
    private readonly double _gamma;
    private readonly double _beta;
    private int[] _order = [];

    public VaeGanPhase(PhasePlan plan, Models.Vae vae, Discriminator discriminator, ClassifierData data, VaeGanConfig config) : base(plan)
    {
        _beta = config.Beta;
        _vae = vae;
        _discriminator = discriminator;
        _data = data;
        _batchSize = config.BatchSize;
        _seed = config.Seed;
        _gamma = config.Gamma;
        _encoderParameters = [.. vae.EncoderParameters()];
        _optimizerE = Optimizers.Adam(_encoderParameters, config, Optimizers.AdversarialBeta1);
        _optimizerDec = Optimizers.Adam(vae.DecoderParameters(), config, Optimizers.AdversarialBeta1);
        _optimizerD = Optimizers.Adam(discriminator.parameters(), config, Optimizers.AdversarialBeta1);
        _samples = new FixedSamples(vae.Latent, conditional: false, _seed, "prior-samples", data.TrainX.device);
        // ε, prior samples and D's dropout masks: one stream of this phase's own, restarted every epoch.
        _random = Seeds.Generator(data.TrainX.device, _seed, Seeds.Of(plan.Role));
        discriminator.DrawDropoutFrom(_random);
    }

    public override void BeginEpoch(int epoch)
    {
        _vae.train();
        _discriminator.train();
        _order = Subsets.EpochOrder(_data.TrainCount, _seed, epoch);
        _random.Reseed(_seed, Seeds.Of(Role), epoch);
    }

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var (x, _) = _data.Batch(_order, step, _batchSize);
        var (mu, logVar) = _vae.Encode(x);
        var reconstructed = _vae.Decode(VaeLoss.Sample(mu, logVar, _random));
        var prior = _vae.Decode(randn(mu.shape, mu.dtype, mu.device, generator: _random));

        // (1) D: real digits against reconstructions and prior samples, both detached.
        var dLoss = GanLoss.Discriminator(_discriminator.forward(x), _discriminator.forward(reconstructed.detach()), 0.9)
                    + F.binary_cross_entropy_with_logits(_discriminator.forward(prior.detach()), zeros(x.shape[0], device: x.device));
        _optimizerD.zero_grad();
        dLoss.backward();
        _optimizerD.step();

        // (2) Encoder and decoder with D frozen. Each gets its own loss: the encoder's gradients are kept from
        // the first backward pass and restored after the second, and both optimisers step after both passes.
        using var frozen = new Frozen(_discriminator);
        var kl = VaeLoss.KlToStandardNormal(mu, logVar).sum(-1).mean();
        var llike = (_discriminator.Features(reconstructed) - _discriminator.Features(x).detach()).pow(2).sum(-1).mean() * 0.5;
        // Measured here: with the feature-space term alone the encoder collapsed onto the prior (KL → 0) and every
        // reconstruction became the same blob. A pixel-space Bernoulli term keeps x̃ tied to x; D's features then
        // sharpen what pixels alone blur (the paper's own MNIST-scale remedy is not given; this is ours).
        var pixels = F.binary_cross_entropy(reconstructed.clamp(1e-6, 1 - 1e-6), x, reduction: nn.Reduction.Sum) / x.shape[0];
        var fool = GanLoss.Generator(_discriminator.forward(reconstructed)) + GanLoss.Generator(_discriminator.forward(prior));
        var encoderLoss = kl * _beta + llike + pixels;
        var decoderLoss = (llike + pixels) * _gamma + fool;

        _optimizerE.zero_grad();
        _optimizerDec.zero_grad();
        encoderLoss.backward(retain_graph: true);
        var encoderGrads = _encoderParameters.Select(p => p.grad!.clone()).ToList();
        _optimizerE.zero_grad();
        _optimizerDec.zero_grad();
        decoderLoss.backward();
        using (torch.no_grad())
            for (var i = 0; i < _encoderParameters.Count; i++)
                _encoderParameters[i].grad!.copy_(encoderGrads[i]);
        _optimizerE.step();
        _optimizerDec.step();

        return
        [
            new StepValue("d/loss", dLoss.item<float>()),
            new StepValue("vaegan/llike", llike.item<float>()),
            new StepValue("vaegan/kl", kl.item<float>()),
            new StepValue("vaegan/pixels", pixels.item<float>()),
            new StepValue("g/loss", fool.item<float>()),
        ];
    }

    /// <summary>Paused or single-stepped: samples from the prior through the decoder (the generator) as it is now.</summary>
    public override void Preview(long globalStep, RunContext context)
    {
        _vae.eval();
        _samples.Preview(context, globalStep, (z, _) => _vae.Decode(z));
        _vae.train();
    }

    public override void EndEpoch(int epoch, long globalStep, RunContext context)
    {
        _vae.eval();
        var grid = new Autoencoder.ReconstructionGrid(_data);
        using (var originals = grid.Originals())
        using (var reconstructed = _vae.Decode(_vae.Encode(originals).Mu))
            grid.Store(context, $"reconstructions-e{epoch + 1:000}.png", globalStep, reconstructed);
        _samples.Store(context, epoch, globalStep, (z, _) => _vae.Decode(z));
        var mse = (_vae.Decode(_vae.Encode(_data.TestX).Mu) - _data.TestX).pow(2).mean().item<float>();
        context.Metrics(globalStep, ($"{Role}/test_mse", mse));
        context.Log($"epoch {epoch + 1}: test reconstruction MSE per pixel {mse:0.00000}.");
    }

    public override void Complete(long globalStep, RunContext context)
    {
        _vae.eval();
        var s = context.Summary;
        s["test.mse"] = (_vae.Decode(_vae.Encode(_data.TestX).Mu) - _data.TestX).pow(2).mean().item<float>();
        s["vae.params"] = _vae.ParameterCount();
        s["d.params"] = _discriminator.ParameterCount();
    }

    public override void Save(BinaryWriter writer)
    {
        SaveState(writer, _vae, _optimizerE);
        _optimizerDec.save_state_dict(writer);
        SaveState(writer, _discriminator, _optimizerD);
    }

    public override void Load(BinaryReader reader)
    {
        LoadState(reader, _vae, _optimizerE);
        _optimizerDec.load_state_dict(reader);
        LoadState(reader, _discriminator, _optimizerD);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _optimizerE.Dispose();
        _optimizerDec.Dispose();
        _optimizerD.Dispose();
        _discriminator.DrawDropoutFrom(null);
        _random.Dispose();
        _samples.Dispose();
    }
}
