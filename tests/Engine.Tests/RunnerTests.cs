using Vinula.Engine.Training;

namespace Vinula.Engine.Tests;

/// <summary>The runner's own rules, with a phase that needs no model.</summary>
public class RunnerTests
{
    private sealed class ScriptedPhase(PhasePlan plan, Func<long, float> loss) : TrainingPhase(plan)
    {
        private long _calls;
        public override void BeginEpoch(int epoch) { }
        public override IReadOnlyList<StepValue> Step(int epoch, int step) => [new StepValue("train_loss", loss(++_calls))];
        public override void EndEpoch(int epoch, long globalStep, RunContext context) { }
        public override void Save(BinaryWriter writer) => writer.Write(_calls);
        public override void Load(BinaryReader reader) => _calls = reader.ReadInt64();
    }

    private sealed class ScriptedExperiment(Func<long, float> loss, params PhasePlan[] plan) : IExperimentRun
    {
        public IReadOnlyList<PhasePlan> Plan => plan;
        public TrainingPhase StartPhase(PhasePlan p, RunContext context) => new ScriptedPhase(p, loss);
        public void Complete(RunContext context) => context.Summary["done"] = 1;
        public void Dispose() { }
    }

    private static (MemorySink Sink, RunContext Context) NewContext()
    {
        var sink = new MemorySink();
        return (sink, new RunContext(sink.RunId, sink, sink, null!, TorchSharp.torch.CPU));
    }

    [Fact]
    public void ANaNLossFailsTheRunNamingTheStep()
    {
        var (_, context) = NewContext();
        var experiment = new ScriptedExperiment(call => call == 37 ? float.NaN : 1f, new PhasePlan("teacher", 5, 10));
        var e = Assert.Throws<DivergenceException>(() => new TrainingRunner(context).Run(experiment, false, default));
        Assert.Contains("became NaN at step 37", e.Message);
    }

    [Fact]
    public void StepMetricsAreWindowMeansAtGlobalSteps()
    {
        var (sink, context) = NewContext();
        var experiment = new ScriptedExperiment(call => call, new PhasePlan("a", 1, 20), new PhasePlan("b", 1, 20));
        new TrainingRunner(context).Run(experiment, false, default);

        var a = sink.Series("a/train_loss").ToList();
        Assert.Equal(10, a.Count);              // ten points per epoch
        Assert.Equal(2, a[0].Step);
        Assert.Equal(1.5, a[0].Value);          // mean of steps 1 and 2
        Assert.Equal(22, sink.Series("b/train_loss").First().Step); // phase b continues the global step
        Assert.Equal(1, context.Summary["done"]);
        Assert.Equal(2, sink.Checkpoints.Count);
    }

    [Fact]
    public void CheckpointsComeAtTheIntervalAndAlwaysAfterAPhasesLastEpoch()
    {
        var sink = new MemorySink();
        var slow = new RunContext(sink.RunId, sink, sink, null!, TorchSharp.torch.CPU) { CheckpointInterval = TimeSpan.FromHours(1) };
        new TrainingRunner(slow).Run(new ScriptedExperiment(_ => 1f, new PhasePlan("a", 4, 5), new PhasePlan("b", 3, 5)), false, default);
        Assert.Equal(2, sink.CheckpointWrites); // each phase's last epoch only

        var (every, context) = NewContext(); // the engine's default: every epoch
        new TrainingRunner(context).Run(new ScriptedExperiment(_ => 1f, new PhasePlan("a", 4, 5), new PhasePlan("b", 3, 5)), false, default);
        Assert.Equal(7, every.CheckpointWrites);
    }
}
