using Vinula.Engine.Experiments.VaeGan;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Tests;

public class VaeGanTests
{
    public VaeGanTests() => TestData.InitTorch();

    [Fact]
    public void ADryRunChartsItsThreeLossesAndDrawsReconstructionsAndSamples()
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        using (var run = new VaeGanExperiment().Create(new VaeGanConfig { Epochs = 2, TrainSize = 300, Hidden = [64] }, context))
            new TrainingRunner(context).Run(run, resume: false, default);

        foreach (var series in new[] { "d/loss", "g/loss", "vaegan/llike", "vaegan/kl" })
            Assert.All(sink.Series(series), p => Assert.True(double.IsFinite(p.Value), series));
        Assert.NotEmpty(sink.Series("vaegan/llike"));
        Assert.Equal(2, sink.Artifacts.Values.Count(a => a.Info.Group == "reconstructions"));
        Assert.Equal(2, sink.Artifacts.Values.Count(a => a.Info.Group == "samples"));
        Assert.InRange(context.Summary["test.mse"], 0, 0.3);
    }

    /// <summary>PRODUCT.md: gan, cgan and vaegan summaries have d.loss (BCE on real + BCE on fake) and g.loss, means
    /// over the last epoch.</summary>
    [Fact]
    public void ItsSummaryHasTheDiscriminatorAndGeneratorLossesOfTheLastEpoch()
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        using (var run = new VaeGanExperiment().Create(new VaeGanConfig { Epochs = 2, TrainSize = 300, Hidden = [32] }, context))
            new TrainingRunner(context).Run(run, resume: false, default);

        foreach (var key in new[] { "d.loss", "g.loss" })
        {
            Assert.True(context.Summary.ContainsKey(key), $"no '{key}' in {string.Join(", ", context.Summary.Keys)}");
            Assert.True(double.IsFinite(context.Summary[key]) && context.Summary[key] > 0, $"{key} = {context.Summary[key]}");
        }
    }
}
