using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Imaging;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Experiments.Gan;

/// <summary>
/// Adversarial training, one step at a time: (1) update D on a real batch and on fakes detached from G; (2) update
/// G to fool D, with D's weights frozen so the G step leaves them untouched. Sample grids come from one fixed
/// noise batch, so epochs compare (pytorch/examples dcgan); a conditional GAN draws one row per digit.
/// </summary>
public sealed class GanPhase : TrainingPhase
{
    private readonly nn.Module<Tensor, Tensor> _generator;
    private readonly nn.Module<Tensor, Tensor> _discriminator;
    private readonly int _latent;
    private readonly int _conditions;
    private readonly TorchSharp.Modules.Adam _optimizerG;
    private readonly TorchSharp.Modules.Adam _optimizerD;
    private readonly ClassifierData _data;
    private readonly FixedSamples _samples;
    private readonly torch.Generator _random;
    private readonly int _batchSize;
    private readonly int _seed;
    private readonly int _discriminatorSteps;
    private int[] _order = [];
    private (double D, double G, double Real, double Fake, int Count) _epoch;

    /// <param name="conditional">Both networks see the one-hot label (a cGAN).</param>
    public GanPhase(PhasePlan plan, nn.Module<Tensor, Tensor> generator, nn.Module<Tensor, Tensor> discriminator, GanConfigBase config,
        bool conditional, ClassifierData data) : base(plan)
    {
        _generator = generator;
        _latent = config.LatentDim;
        _conditions = conditional ? MnistData.Classes : 0;
        _discriminator = discriminator;
        _data = data;
        _batchSize = config.BatchSize;
        _seed = config.Seed;
        _discriminatorSteps = config.DiscriminatorSteps;
        _optimizerG = Optimizers.Adam(generator.parameters(), config, Optimizers.AdversarialBeta1);
        _optimizerD = Optimizers.Adam(discriminator.parameters(), config, Optimizers.AdversarialBeta1);

        var device = data.TrainX.device;
        // z, D's jitter and D's dropout masks: one stream of this phase's own, restarted every epoch.
        _random = Seeds.Generator(device, _seed, Seeds.Of(plan.Role));
        discriminator.DrawDropoutFrom(_random);
        _samples = new FixedSamples(_latent, conditional, _seed, "fixed-noise", device);
    }

    private bool Conditional => _conditions > 0;

    public override void BeginEpoch(int epoch)
    {
        _generator.train();
        _discriminator.train();
        _order = Subsets.EpochOrder(_data.TrainCount, _seed, epoch);
        _random.Reseed(_seed, Seeds.Of(Role), epoch);
        _epoch = default;
    }

    public override IReadOnlyList<StepValue> Step(int epoch, int step)
    {
        var (real, labels) = _data.Batch(_order, step, _batchSize);
        var count = (int)real.shape[0];

        var (dLoss, realLogits, fakeLogits) = UpdateDiscriminator(real, labels);
        for (var k = 1; k < _discriminatorSteps; k++)
            (dLoss, realLogits, fakeLogits) = UpdateDiscriminator(real, labels);
        var gLoss = UpdateGenerator(count, labels);

        var values = new StepValue[]
        {
            new("d/loss", dLoss.item<float>()),
            new("g/loss", gLoss.item<float>()),
            new("d/real", F.sigmoid(realLogits).mean().item<float>()),
            new("d/fake", F.sigmoid(fakeLogits).mean().item<float>()),
        };
        _epoch = (_epoch.D + values[0].Value, _epoch.G + values[1].Value, _epoch.Real + values[2].Value, _epoch.Fake + values[3].Value, _epoch.Count + 1);
        return values;
    }

    /// <summary>(1) Update D: a real batch against fakes detached from G, so no gradient reaches G.</summary>
    internal (Tensor Loss, Tensor RealLogits, Tensor FakeLogits) UpdateDiscriminator(Tensor real, Tensor labels)
    {
        var fake = Generate((int)real.shape[0], labels).detach();
        var realLogits = Discriminate(real, labels);
        var fakeLogits = Discriminate(fake, labels);
        var loss = GanLoss.Discriminator(realLogits, fakeLogits, RealTarget);
        _optimizerD.zero_grad();
        loss.backward();
        _optimizerD.step();
        return (loss, realLogits, fakeLogits);
    }

    /// <summary>(2) Update G to fool D. D's weights are frozen for the step: they get no gradient and do not move.</summary>
    internal Tensor UpdateGenerator(int count, Tensor labels)
    {
        using var frozen = new Frozen(_discriminator);
        var loss = GanLoss.Generator(Discriminate(Generate(count, labels), labels));
        _optimizerG.zero_grad();
        loss.backward();
        _optimizerG.step();
        return loss;
    }

    private Tensor Generate(int count, Tensor labels)
    {
        var z = randn([count, _latent], device: labels.device, generator: _random);
        return _generator.forward(Conditional ? cat([z, OneHot(labels)], 1) : z);
    }

    /// <summary>One-sided label smoothing: with 7,000 real digits D otherwise memorises them within a few epochs,
    /// its loss goes to 0 and G gets no gradient.</summary>
    private const double RealTarget = 0.9;

    /// <summary>D sees real and fake digits through the same random shift (differentiable augmentation, Zhao et
    /// al. 2020): it cannot memorise exact pixels, and G still gets gradients through the shift.</summary>
    private Tensor Discriminate(Tensor images, Tensor labels)
    {
        var shifted = _discriminator.training ? Jitter.Shift(images, MnistData.Side, 2, _random) : images;
        return _discriminator.forward(Conditional ? cat([shifted, OneHot(labels)], 1) : shifted);
    }

    private static Tensor OneHot(Tensor labels) => F.one_hot(labels, MnistData.Classes).to(ScalarType.Float32);

    public override void EndEpoch(int epoch, long globalStep, RunContext context)
    {
        var n = Math.Max(1, _epoch.Count);
        context.Metrics(globalStep, ("d/epoch_loss", _epoch.D / n), ("g/epoch_loss", _epoch.G / n));
        _samples.Store(context, epoch, globalStep, Samples);
        context.Log($"epoch {epoch + 1}: D loss {_epoch.D / n:0.000}, G loss {_epoch.G / n:0.000}, D(x) {_epoch.Real / n:0.00}, D(G(z)) {_epoch.Fake / n:0.00}.");
    }

    /// <summary>Paused or single-stepped: the fixed noise through G now, so a user watches G move step by step.</summary>
    public override void Preview(long globalStep, RunContext context) => _samples.Preview(context, globalStep, Samples);

    /// <summary>The fixed noise through G in eval mode: 10 × 10, one row per digit for a conditional GAN.</summary>
    private Tensor Samples(Tensor noise, Tensor? labels)
    {
        using var _ = torch.no_grad();
        _generator.eval();
        var images = _generator.forward(labels is null ? noise : cat([noise, OneHot(labels)], 1));
        _generator.train();
        return images;
    }

    public override void Complete(long globalStep, RunContext context)
    {
        var n = Math.Max(1, _epoch.Count);
        var s = context.Summary;
        if (_epoch.Count > 0)
        {
            s["d.loss"] = _epoch.D / n;
            s["g.loss"] = _epoch.G / n;
            s["d.real"] = _epoch.Real / n;
            s["d.fake"] = _epoch.Fake / n;
        }
        s["g.params"] = _generator.ParameterCount();
        s["d.params"] = _discriminator.ParameterCount();
        if (!Conditional) context.Artifact("latent-walk.png", "image/png", globalStep, "walk", LatentWalk());
    }

    /// <summary>Ten images along the straight line between two of the fixed noise vectors.</summary>
    private byte[] LatentWalk()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        _generator.eval();
        var (a, b) = (_samples.Noise[0], _samples.Noise[1]);
        var t = linspace(0, 1, 10, device: a.device).unsqueeze(1);
        var images = _generator.forward(a * (1 - t) + b * t);
        return Png.Grid(images.ToFloats(), 10, 10, MnistData.Side, MnistData.Side, scale: 2);
    }

    public override void Save(BinaryWriter writer)
    {
        SaveState(writer, _generator, _optimizerG);
        SaveState(writer, _discriminator, _optimizerD);
    }

    public override void Load(BinaryReader reader)
    {
        LoadState(reader, _generator, _optimizerG);
        LoadState(reader, _discriminator, _optimizerD);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _optimizerG.Dispose();
        _optimizerD.Dispose();
        _discriminator.DrawDropoutFrom(null);
        _random.Dispose();
        _samples.Dispose();
    }
}
