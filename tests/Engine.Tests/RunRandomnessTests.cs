using Vinula.Engine.Experiments;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace Vinula.Engine.Tests;

/// <summary>
/// Every random draw of a run (weights, data order, jitter, dropout, ε, GAN noise) comes from the run's own
/// generators: a run trained while another trains on a second thread ends bit-identical to the same run alone.
/// </summary>
public class RunRandomnessTests
{
    public RunRandomnessTests() => TestData.InitTorch(); // one intra-op thread: float sums in a fixed order

    /// <summary>What a run leaves behind that must not depend on what else trains: every charted value (but
    /// wall-clock times), the summary and the final checkpoints (weights and optimiser state, byte for byte).</summary>
    private sealed record Outcome(string[] Metrics, string[] Summary, Dictionary<string, byte[]> Checkpoints);

    private static ExperimentConfig Tiny(string kind, int seed)
    {
        ExperimentConfig config = kind switch
        {
            ExperimentKinds.Distill => new DistillConfig
            {
                TrainSize = 600, BatchSize = 100, LearningRate = 1e-2, TrainBaseline = false,
                Teacher = new TeacherConfig { Model = ClassifierModel.Mlp, Hidden = [64], Dropout = 0.3, Epochs = null },
                Student = new StudentConfig { Hidden = [32] },
            },
            ExperimentKinds.Vae => new VaeConfig { TrainSize = 500, Hidden = [64] },
            ExperimentKinds.Gan => new GanConfig { TrainSize = 300, Hidden = [32] },
            ExperimentKinds.VaeGan => new VaeGanConfig { TrainSize = 300, Hidden = [64] },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        (config.Epochs, config.Seed) = (2, seed);
        return config;
    }

    private static Outcome Train(string kind, ExperimentConfig config)
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, CPU);
        using (var run = ExperimentCatalog.CreateDefault().Find(kind)!.Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, default);
        return new Outcome(
            [.. sink.Points.Where(p => !p.Series.EndsWith("epoch_seconds", StringComparison.Ordinal)).Select(p => $"{p.Series}@{p.Step}={p.Value:R}")],
            [.. context.Summary.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value:R}")],
            sink.Checkpoints.ToDictionary(c => c.Key.Name, c => c.Value));
    }

    [Theory]
    [InlineData(ExperimentKinds.Distill)]
    [InlineData(ExperimentKinds.Vae)]
    [InlineData(ExperimentKinds.Gan)]
    [InlineData(ExperimentKinds.VaeGan)]
    public void TwoRunsTrainedAtOnceEachEndAsTheSameRunAlone(string kind)
    {
        var alone = new[] { Train(kind, Tiny(kind, 7)), Train(kind, Tiny(kind, 8)) };

        var together = new Outcome?[2];
        var errors = new Exception?[2];
        using var start = new Barrier(2);
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                together[i] = Train(kind, Tiny(kind, 7 + i));
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        for (var i = 0; i < 2; i++)
        {
            Assert.Null(errors[i]);
            Assert.Equal(alone[i].Metrics, together[i]!.Metrics);
            Assert.Equal(alone[i].Summary, together[i]!.Summary);
            Assert.Equal(alone[i].Checkpoints.Keys.Order(), together[i]!.Checkpoints.Keys.Order());
            foreach (var (name, bytes) in alone[i].Checkpoints)
                Assert.True(bytes.AsSpan().SequenceEqual(together[i]!.Checkpoints[name]), $"checkpoint '{name}' of seed {7 + i} differs");
        }
    }

    [Fact]
    public void InitialiseDrawsPyTorchsDefaultInitialisationFromTheGivenGenerator()
    {
        using var scope = NewDisposeScope();
        var layers = new Func<nn.Module>[]
        {
            () => nn.Linear(20, 7), () => nn.Conv2d(3, 5, 4), () => nn.ConvTranspose2d(6, 2, 4, stride: 2),
            () => new Models.Vae(30, [12, 8], 3, conditions: 2),
        };
        foreach (var create in layers)
        {
            manual_seed(42); // the constructors draw from the process-wide generator
            using var byConstructor = create();
            using var random = new torch.Generator(42);
            using var byUs = create().Initialise(random);
            foreach (var ((name, expected), (_, actual)) in byConstructor.named_parameters().Zip(byUs.named_parameters()))
                Assert.True(expected.equal(actual).all().item<bool>(), $"{byConstructor.GetName()}.{name}");
        }
    }

    [Fact]
    public void SeededDropoutDrawsTheMasksOfTorchsDropoutFromItsOwnGenerator()
    {
        using var scope = NewDisposeScope();
        var x = ones(64, 50);
        using var ours = new Models.SeededDropout(0.3);
        using var random = new torch.Generator(5);
        ours.Random = random;
        manual_seed(5);
        Assert.True(nn.functional.dropout(x, 0.3, training: true).equal(ours.forward(x)).all().item<bool>());
        ours.eval();
        Assert.True(ours.forward(x).equal(x).all().item<bool>());
    }

    [Fact]
    public void AResumedVaeRunReportsWhatTheUninterruptedRunReports()
    {
        // The test ELBO goes through sampled z: its ε must depend on the weights only, not on how far the phase's
        // generator got (a finished phase restored on resume evaluates without having trained).
        var config = (VaeConfig)Tiny(ExperimentKinds.Vae, 7);
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, CPU);
        using (var run = new Experiments.Vae.VaeExperiment().Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, default);

        var resumed = new RunContext(sink.RunId, sink, sink, TestData.Datasets, CPU);
        using (var run = new Experiments.Vae.VaeExperiment().Create(config, resumed))
            new TrainingRunner(resumed).Run(run, resume: true, default);

        // (Keys an epoch's end writes, such as samples.confidence, are not written again for a finished phase.)
        foreach (var key in new[] { "test.elbo", "test.recon", "test.kl", "active_units" })
            Assert.Equal(context.Summary[key], resumed.Summary[key]);
    }
}
