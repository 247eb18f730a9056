using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Experiments;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Tests;

/// <summary>
/// No kind leaks tensors: the number of live tensors of the run's thread (TorchSharp's dispose-scope statistics)
/// is the same after every epoch once the first is done. A theory over the catalog, so a new kind is covered by
/// registering it.
/// </summary>
public class LeakTests
{
    private const int Epochs = 3;

    public LeakTests() => TestData.InitTorch();

    public static TheoryData<string> Kinds => [.. ExperimentCatalog.CreateDefault().All.Select(d => d.Kind)];

    /// <summary>The kind's dry run (<see cref="DryRun"/>) with a few epochs.</summary>
    private static ExperimentConfig Tiny(ExperimentCatalog catalog, IExperimentDefinition definition, IRunLibrary library)
    {
        var bound = catalog.Bind(definition, JsonSerializer.SerializeToElement(DryRun.Config(definition, Epochs)), library);
        Assert.True(bound.IsValid, string.Join("; ", bound.Errors.Select(e => $"{e.Path}: {e.Message}")));
        return bound.Config!;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheLiveTensorCountStaysFlatFromEpochToEpoch(string kind)
    {
        var catalog = ExperimentCatalog.CreateDefault();
        var sink = new MemorySink();
        var config = Tiny(catalog, catalog.Find(kind)!, sink);
        var live = new List<(string Phase, long Count)>();
        sink.OnCheckpoint = s => live.Add((s.LastCheckpoint!, DisposeScopeManager.Statistics.ThreadTotalLiveCount));

        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, CPU);
        using (var run = catalog.Find(kind)!.Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, default);

        // From the second epoch on: the first may create what lives as long as the phase (gradients, optimiser
        // state, the digit scorer loaded once per process). After that a step or an evaluation that keeps even one
        // tensor adds it every epoch; the expected growth is exactly 0.
        var phases = live.GroupBy(p => p.Phase).ToList();
        Assert.NotEmpty(phases);
        foreach (var phase in phases)
        {
            var counts = phase.Select(p => p.Count).ToList();
            Assert.Equal(Epochs, counts.Count);
            Assert.True(counts.Skip(1).Distinct().Count() == 1,
                $"{kind}/{phase.Key}: live tensors after each epoch {string.Join(", ", counts)}");
        }
    }
}
