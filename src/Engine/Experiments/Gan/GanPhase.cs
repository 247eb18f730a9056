using TorchSharp;
using Vinula.Engine.Analysis;
using Vinula.Engine.Data;
using Vinula.Engine.Imaging;
using Vinula.Engine.Losses;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
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
    private readonly Tensor _fixedNoise;
    private readonly Tensor? _fixedLabels;
    private readonly torch.Generator _random;
    private readonly int _batchSize;
    private readonly int _seed;
    private readonly int _discriminatorSteps;
    private int[] _order = [];
    private (double D, double G, double Real, double Fake, int Count) _epoch;

    /// <param name="latent">Size of the noise z.</param>
    /// <param name="conditions">Size of the one-hot label both networks see (0: unconditional).</param>
    public GanPhase(PhasePlan plan, nn.Module<Tensor, Tensor> generator, nn.Module<Tensor, Tensor> discriminator, int latent, int conditions,
        ClassifierData data, double learningRate, int batchSize, int seed, int discriminatorSteps) : base(plan)
    {
        _generator = generator;
        _latent = latent;
        _conditions = conditions;
        _discriminator = discriminator;
        _data = data;
        _batchSize = batchSize;
        _seed = seed;
        _discriminatorSteps = discriminatorSteps;
        // Adam with β₁ = 0.5, as Radford et al. 2016 recommend for GANs.
        _optimizerG = optim.Adam(generator.parameters(), learningRate, beta1: 0.5);
        _optimizerD = optim.Adam(discriminator.parameters(), learningRate, beta1: 0.5);

        var device = data.TrainX.device;
        // z, D's jitter and D's dropout masks: one stream of this phase's own, restarted every epoch.
        _random = Seeds.Generator(device, seed, Seeds.Of(plan.Role));
        discriminator.DrawDropoutFrom(_random);
        var noise = new TorchSharp.torch.Generator((ulong)Seeds.Mix(seed, Seeds.Of("fixed-noise")));
        if (Conditional)
        {
            // Rows: digits 0..9; columns: the same ten noise vectors.
            _fixedNoise = randn([10, latent], generator: noise).repeat(10, 1).to(device).DetachFromDisposeScope();
            _fixedLabels = arange(10, dtype: ScalarType.Int64).repeat_interleave(10).to(device).DetachFromDisposeScope();
        }
        else
            _fixedNoise = randn([100, latent], generator: noise).to(device).DetachFromDisposeScope();
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
        SetTrainable(_discriminator, false);
        try
        {
            var loss = GanLoss.Generator(Discriminate(Generate(count, labels), labels));
            _optimizerG.zero_grad();
            loss.backward();
            _optimizerG.step();
            return loss;
        }
        finally
        {
            SetTrainable(_discriminator, true);
        }
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

    private static void SetTrainable(nn.Module module, bool trainable)
    {
        foreach (var p in module.parameters()) p.requires_grad = trainable;
    }

    public override void EndEpoch(int epoch, long globalStep, RunContext context)
    {
        var n = Math.Max(1, _epoch.Count);
        context.Metrics(globalStep, ("d/epoch_loss", _epoch.D / n), ("g/epoch_loss", _epoch.G / n));
        context.Artifact($"samples-e{epoch + 1:000}.png", "image/png", globalStep, "samples", SampleGrid());
        using (var samples = Samples())
            QualityReport.Store(context, samples, epoch, globalStep);
        context.Log($"epoch {epoch + 1}: D loss {_epoch.D / n:0.000}, G loss {_epoch.G / n:0.000}, D(x) {_epoch.Real / n:0.00}, D(G(z)) {_epoch.Fake / n:0.00}.");
    }

    /// <summary>The fixed noise through G: 10 × 10, one row per digit for a conditional GAN.</summary>
    public byte[] SampleGrid()
    {
        using var images = Samples();
        return Png.Grid(images.ToFloats(), 100, 10, MnistData.Side, MnistData.Side, scale: 1);
    }

    private Tensor Samples()
    {
        using var _ = torch.no_grad();
        _generator.eval();
        var input = _fixedLabels is { } labels ? cat([_fixedNoise, OneHot(labels)], 1) : _fixedNoise;
        var images = _generator.forward(input);
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
        var (a, b) = (_fixedNoise[0], _fixedNoise[1]);
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
        _fixedNoise.Dispose();
        _fixedLabels?.Dispose();
    }
}
