using TorchSharp;
using Vinula.Engine.Experiments.Gan;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

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
        return (new GanPhase(new PhasePlan("gan", 1, 2), g, d, 8, conditional ? 10 : 0, data, 1e-3, 64, 1, 1), g, d, data);
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
