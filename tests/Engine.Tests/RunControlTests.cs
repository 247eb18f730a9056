using System.Collections.Concurrent;
using System.Diagnostics;
using Vinula.Engine.Training;

namespace Vinula.Engine.Tests;

/// <summary>Pause, single-step and slow motion, as the runner obeys them between steps.</summary>
public class RunControlTests
{
    /// <summary>Counts its steps and previews; needs no model.</summary>
    private sealed class CountingPhase(PhasePlan plan, ConcurrentQueue<long> previews) : TrainingPhase(plan)
    {
        public int Steps;
        public override void BeginEpoch(int epoch) { }
        public override IReadOnlyList<StepValue> Step(int epoch, int step) => [new StepValue("train_loss", ++Steps)];
        public override void EndEpoch(int epoch, long globalStep, RunContext context) { }
        public override void Preview(long globalStep, RunContext context) => previews.Enqueue(globalStep);
        public override void Save(BinaryWriter writer) => writer.Write(Steps);
        public override void Load(BinaryReader reader) => Steps = reader.ReadInt32();
    }

    private sealed class OnePhase(CountingPhase phase) : IExperimentRun
    {
        public IReadOnlyList<PhasePlan> Plan => [phase.Plan];
        public TrainingPhase StartPhase(PhasePlan p, RunContext context) => phase;
        public void Complete(RunContext context) { }
        public void Dispose() { }
    }

    private sealed record Harness(MemorySink Sink, RunContext Context, CountingPhase Phase, ConcurrentQueue<long> Previews,
        BlockingCollection<bool> Pauses, Task Run);

    private static Harness Start(int steps, Action<RunControl> before, CancellationToken cancellation = default)
    {
        var sink = new MemorySink();
        var pauses = new BlockingCollection<bool>();
        var control = new RunControl { PausedChanged = pauses.Add };
        before(control);
        var context = new RunContext(sink.RunId, sink, sink, null!, TorchSharp.torch.CPU) { Control = control };
        var previews = new ConcurrentQueue<long>();
        var phase = new CountingPhase(new PhasePlan("g", 1, steps), previews);
        var run = Task.Factory.StartNew(() => new TrainingRunner(context).Run(new OnePhase(phase), false, cancellation),
            cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return new Harness(sink, context, phase, previews, pauses, run);
    }

    private static bool Next(Harness h) =>
        h.Pauses.TryTake(out var paused, TimeSpan.FromSeconds(30)) ? paused : throw new TimeoutException("The runner reported nothing.");

    [Fact]
    public async Task APausedRunTakesExactlyTheStepsItIsGrantedAndPreviewsEachStop()
    {
        var h = Start(50, control => control.Pause()); // paused before its first step

        Assert.True(Next(h));                            // paused at step 0
        Assert.Equal(0, h.Phase.Steps);
        Assert.True(h.Context.Control.Step(3));
        Assert.False(Next(h));                           // going on for the granted steps…
        Assert.True(Next(h));                            // …and paused again
        Assert.Equal(3, h.Phase.Steps);
        Assert.Equal([0L, 3L], h.Previews);
        // The curve reaches the paused step: the window's partial mean is reported before the pause.
        Assert.Equal(3, h.Sink.Series("g/train_loss").Last().Step);
        Assert.Equal(3, h.Sink.ProgressReports.Last().Step);

        h.Context.Control.Resume();
        Assert.False(Next(h));
        await h.Run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(50, h.Phase.Steps);
        Assert.False(h.Context.Control.Step(1)); // not paused: nothing to grant
    }

    [Fact]
    public async Task CancellingAPausedRunEndsItWithoutAnotherStep()
    {
        using var cts = new CancellationTokenSource();
        var h = Start(50, control => control.Pause(), cts.Token);
        Assert.True(Next(h));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, h.Phase.Steps);
    }

    [Fact]
    public async Task SlowMotionSpacesEveryStepByAtLeastItsDelay()
    {
        // A lower bound on a deliberate wait, not a speed threshold: 10 steps × 30 ms cannot take less than 300 ms.
        var clock = Stopwatch.StartNew();
        var h = Start(10, control => control.SlowMotionMs = 30);
        await h.Run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(clock.ElapsedMilliseconds >= 300, $"{clock.ElapsedMilliseconds} ms");
        Assert.Equal(10, h.Phase.Steps);
    }

    [Fact]
    public void SlowMotionIsClampedAndStepCountsMustBePositive()
    {
        var control = new RunControl { SlowMotionMs = 1_000_000 };
        Assert.Equal(RunControl.MaxSlowMotionMs, control.SlowMotionMs);
        control.SlowMotionMs = -3;
        Assert.Equal(0, control.SlowMotionMs);
        control.Pause();
        Assert.Throws<ArgumentOutOfRangeException>(() => control.Step(0));
    }
}
