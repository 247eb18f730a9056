using TorchSharp;
using Vinula.Engine.Experiments.Gan;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Tests;

public class GanTests
{
    public GanTests() => TestData.InitTorch();

    private static (GanPhase Phase, Models.Generator G, Discriminator D, ClassifierData Data) NewPhase(bool conditional)
    {
        torch.manual_seed(4);
        var data = new ClassifierData(TestData.Datasets.Mnist, 200, 1, CPU);
        var g = new Models.Generator(8, [32], 784, conditional ? 10 : 0);
        var d = new Discriminator(784, [32], conditional ? 10 : 0);
        var config = new GanConfig { LatentDim = 8, LearningRate = 1e-3, BatchSize = 64, Seed = 1, DiscriminatorSteps = 1 };
        return (new GanPhase(new PhasePlan("gan", 1, 2), g, d, config, conditional, data), g, d, data);
    }

    private static float[][] Snapshot(nn.Module module) => [.. module.parameters().Select(p => p.ToFloats())];

    private static float[][] Grads(nn.Module module) =>
        [.. module.parameters().Select(p => p.grad is { } g ? g.ToFloats() : [])];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheGeneratorStepLeavesTheDiscriminatorsWeightsAndGradientsUntouched(bool conditional)
    {
        var (phase, g, d, data) = NewPhase(conditional);
        using var _ = phase;
        using var scope = NewDisposeScope();
        var labels = data.TrainY.narrow(0, 0, 64);
        phase.UpdateDiscriminator(data.TrainX.narrow(0, 0, 64), labels); // D now has gradients of its own step
        var (dWeights, dGrads, gWeights) = (Snapshot(d), Grads(d), Snapshot(g));

        phase.UpdateGenerator(64, labels);

        Assert.Equal(dWeights, Snapshot(d));
        Assert.Equal(dGrads, Grads(d));
        Assert.NotEqual(gWeights, Snapshot(g));
        Assert.All(d.parameters(), p => Assert.True(p.requires_grad)); // unfrozen again for the next D step
    }

    [Fact]
    public void TheDiscriminatorStepLeavesTheGeneratorUntouched()
    {
        var (phase, g, d, data) = NewPhase(conditional: false);
        using var _ = phase;
        using var scope = NewDisposeScope();
        var (gWeights, dWeights) = (Snapshot(g), Snapshot(d));

        phase.UpdateDiscriminator(data.TrainX.narrow(0, 0, 64), data.TrainY.narrow(0, 0, 64));

        Assert.Equal(gWeights, Snapshot(g));
        Assert.All(g.parameters(), p => Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0));
        Assert.NotEqual(dWeights, Snapshot(d));
    }

    [Fact]
    public void TheDiscriminatorOverfitsATinyBatchAgainstAFixedGenerator()
    {
        var (phase, _, d, data) = NewPhase(conditional: false);
        using var __ = phase;
        var real = data.TrainX.narrow(0, 0, 32);
        var labels = data.TrainY.narrow(0, 0, 32);
        float first = 0, last = 0;
        for (var i = 0; i < 100; i++)
        {
            using var scope = NewDisposeScope();
            var loss = phase.UpdateDiscriminator(real, labels).Loss.item<float>();
            if (i == 0) first = loss;
            last = loss;
        }
        // With one-sided label smoothing (real target 0.9) the loss cannot go below the entropy H(0.9) ≈ 0.325:
        // D must get close to that floor on a batch it can memorise.
        var floor = -(0.9 * Math.Log(0.9) + 0.1 * Math.Log(0.1));
        Assert.True(last < floor + 0.05 && last < first / 3, $"{first} → {last} (floor {floor:0.000})");
    }

    [Theory]
    [InlineData(ExperimentKinds.Gan, GanArchitecture.Mlp)]
    [InlineData(ExperimentKinds.Cgan, GanArchitecture.Mlp)]
    [InlineData(ExperimentKinds.Gan, GanArchitecture.Conv)]
    [InlineData(ExperimentKinds.Cgan, GanArchitecture.Conv)]
    public void ADryRunReportsBothLossesAndASampleGridPerEpoch(string kind, GanArchitecture architecture)
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, CPU);
        var catalog = Experiments.ExperimentCatalog.CreateDefault();
        GanConfigBase config = kind == ExperimentKinds.Gan ? new GanConfig() : new CganConfig();
        (config.Epochs, config.TrainSize, config.Hidden, config.Architecture) = (2, 300, [32], architecture);
        using (var run = catalog.Find(kind)!.Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, default);

        Assert.True(context.Summary["d.loss"] > 0);
        Assert.True(context.Summary["g.loss"] > 0);
        Assert.NotEmpty(sink.Series("d/loss"));
        Assert.NotEmpty(sink.Series("g/loss"));
        Assert.Equal(2, sink.Artifacts.Values.Count(a => a.Info.Group == "samples"));
        using var grid = SkiaSharp.SKBitmap.Decode(sink.Artifacts["samples-e002.png"].Content);
        Assert.Equal((10 * 29 - 1, 10 * 29 - 1), (grid.Width, grid.Height)); // 10 × 10 digits, one row per label for cGAN
        Assert.Equal(kind == ExperimentKinds.Gan, sink.Artifacts.ContainsKey("latent-walk.png"));
        // The digit scorer's verdict on the fixed samples, every epoch.
        Assert.Equal(2, sink.Series("quality/confidence").Count());
        Assert.InRange(context.Summary["samples.classes_covered"], 1, 10);
        Assert.InRange(context.Summary["samples.confidence"], 0.1, 1);
    }
}

public class ConvGanModelTests
{
    public ConvGanModelTests() => TestData.InitTorch();

    [Fact]
    public void TheDcganNetworksMapNoiseToDigitsAndDigitsToOneLogit()
    {
        using var scope = NewDisposeScope();
        using var g = new ConvGenerator(16, 10);
        using var d = new ConvDiscriminator(28, 10);
        var images = g.forward(randn(5, 26));
        Assert.Equal([5L, 784], images.shape);
        Assert.True(images.min().item<float>() >= 0 && images.max().item<float>() <= 1);
        Assert.Equal([5L], d.forward(cat([images, zeros(5, 10)], 1)).shape);
    }
}

/// <summary>Every network of the generative lab can fit a tiny batch: the loss must fall far, not just run.</summary>
public class GenerativeOverfitTests
{
    public GenerativeOverfitTests() => TestData.InitTorch();

    private static float Fit(nn.Module<Tensor, Tensor> model, Tensor input, Func<Tensor, Tensor> loss, int steps = 200)
    {
        using var optimizer = optim.Adam(model.parameters(), 3e-3);
        model.train();
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            loss(model.forward(input)).backward();
            optimizer.step();
        }
        model.eval();
        using var _ = no_grad();
        return loss(model.forward(input)).item<float>();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GeneratorsLearnToDrawGivenDigitsFromFixedNoise(bool conv)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(9);
        var mnist = TestData.Datasets.Mnist;
        var targets = tensor(mnist.Gather(mnist.Train.Take(16).ToArray()), [16, 784]);
        var z = randn(16, 8);
        using nn.Module<Tensor, Tensor> g = conv ? new ConvGenerator(8) : new Models.Generator(8, [64], 784);
        using (no_grad()) g.eval();
        var first = F.mse_loss(g.forward(z), targets).item<float>();
        var last = Fit(g, z, images => F.mse_loss(images, targets), steps: 300);
        Assert.True(last < first * 0.3, $"{(conv ? "conv" : "mlp")} generator: {first} → {last}");
    }

    [Fact]
    public void TheConvDiscriminatorTellsATinyBatchOfDigitsFromNoise()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(10);
        var mnist = TestData.Datasets.Mnist;
        var real = tensor(mnist.Gather(mnist.Train.Take(16).ToArray()), [16, 784]);
        var input = cat([real, rand(16, 784)], 0);
        var labels = cat([ones(16), zeros(16)], 0);
        using var d = new ConvDiscriminator(28, dropout: 0);
        var first = F.binary_cross_entropy_with_logits(d.forward(input), labels).item<float>();
        var last = Fit(d, input, logits => F.binary_cross_entropy_with_logits(logits, labels));
        Assert.True(last < first * 0.1, $"{first} → {last}");
    }

    [Fact]
    public void ACvaeOverfitsATinyBatch()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(11);
        using var random = Seeds.Generator(11);
        var mnist = TestData.Datasets.Mnist;
        var rows = mnist.Train.Take(32).ToArray();
        var x = tensor(mnist.Gather(rows), [32, 784]);
        var y = F.one_hot(tensor(mnist.GatherLabels(rows)), 10).to(ScalarType.Float32);
        using var model = new Models.Vae(784, [128], 4, conditions: 10);
        using var optimizer = optim.Adam(model.parameters(), 3e-3);
        float Loss(bool sample)
        {
            var (mu, logVar) = model.Encode(x, y);
            return Losses.VaeLoss.Compute(model.DecodeLogits(sample ? Losses.VaeLoss.Sample(mu, logVar, random) : mu, y), x, mu, logVar, 1).Loss.item<float>();
        }
        var first = Loss(false);
        for (var i = 0; i < 300; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var (mu, logVar) = model.Encode(x, y);
            Losses.VaeLoss.Compute(model.DecodeLogits(Losses.VaeLoss.Sample(mu, logVar, random), y), x, mu, logVar, 1).Loss.backward();
            optimizer.step();
        }
        Assert.True(Loss(false) < first * 0.5, $"{first} → {Loss(false)}");
    }
}
