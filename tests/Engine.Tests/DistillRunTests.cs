using System.Text.Json;
using Vinula.Engine.Experiments;
using Vinula.Engine.Experiments.Distill;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Engine.Tests;

/// <summary>Tiny dry runs of the distill kind through the real runner on real MNIST.</summary>
public class DistillRunTests
{
    /// <summary>A distill config that trains in seconds (MLP teacher, 600 digits); the dark-knowledge tests use it too.</summary>
    internal static DistillConfig Tiny(Action<DistillConfig>? change = null)
    {
        var config = new DistillConfig
        {
            Epochs = 2,
            TrainSize = 600,
            BatchSize = 100,
            LearningRate = 1e-2,
            Teacher = new TeacherConfig { Model = ClassifierModel.Mlp, Hidden = [64], Dropout = 0.1, Epochs = null },
            Student = new StudentConfig { Hidden = [32] },
        };
        change?.Invoke(config);
        return config;
    }

    private static MemorySink Run(DistillConfig config, MemorySink? sink = null, CancellationToken cancellation = default, bool resume = false)
    {
        sink ??= new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        using var run = new DistillExperiment().Create(config, context);
        new TrainingRunner(context).Run(run, resume, cancellation);
        foreach (var (key, value) in context.Summary) sink.Logs.Add($"summary {key}={value}");
        Summaries[sink] = context.Summary;
        return sink;
    }

    private static readonly Dictionary<MemorySink, Dictionary<string, double>> Summaries = [];

    [Fact]
    public void DryRunTrainsTeacherStudentAndBaselineAndReportsTheSummary()
    {
        var sink = Run(Tiny());
        var summary = Summaries[sink];

        foreach (var role in new[] { "teacher", "student", "baseline" })
        {
            Assert.True(summary[$"{role}.test_accuracy"] > 0.5, $"{role}: {summary[$"{role}.test_accuracy"]}"); // 600 digits, 2 epochs: far above chance
            Assert.True(summary[$"{role}.params"] > 0);
            Assert.Equal(2, sink.Series($"{role}/test_accuracy").Count());
            Assert.NotEmpty(sink.Series($"{role}/train_loss"));
            Assert.True(sink.Artifacts.ContainsKey($"logits-{role}.json"));
            Assert.True(sink.Checkpoints.ContainsKey(("test-run", role)));
        }
        Assert.Equal(784 * 64 + 64 + 64 * 10 + 10, summary["teacher.params"]);
        Assert.NotEmpty(sink.Series("student/soft_loss"));
        Assert.Equal(1.0, sink.ProgressReports[^1].Fraction);
        Assert.Equal(3 * 2 * 6, sink.ProgressReports[^1].TotalSteps);

        // Metric steps never go backwards within a series, and logits are stored for every test digit.
        Assert.All(sink.Points.GroupBy(p => p.Series), g => Assert.True(g.Select(p => p.Step).SequenceEqual(g.Select(p => p.Step).Order())));
        var logits = JsonSerializer.Deserialize<StoredLogits>(sink.Artifacts["logits-teacher.json"].Content, VinulaJson.Options)!;
        Assert.Equal(2000 * 10, logits.Logits.Length);
    }

    [Fact]
    public void StudentAndBaselineStartFromTheSameWeightsSoAlphaZeroMakesThemIdentical()
    {
        var summary = Summaries[Run(Tiny(c => c.Alpha = 0))];
        Assert.Equal(summary["baseline.test_accuracy"], summary["student.test_accuracy"]);
    }

    [Fact]
    public void ReusingATeacherSkipsItsTrainingAndScoresItTheSame()
    {
        var first = Run(Tiny(c => c.TrainBaseline = false));
        var sink = new MemorySink { RunId = "second" };
        foreach (var (key, value) in first.Checkpoints) sink.Checkpoints[key] = value;
        sink.Runs["test-run"] = new StoredRun("test-run", ExperimentKinds.Distill, RunStatus.Completed,
            ExperimentCatalog.ToJson(Tiny()));

        var second = Run(Tiny(c => { c.TeacherRunId = "test-run"; c.TrainBaseline = false; c.Teacher.Hidden = [999]; }), sink);

        Assert.Empty(second.Series("teacher/train_loss"));
        Assert.Equal(Summaries[first]["teacher.test_accuracy"], Summaries[second]["teacher.test_accuracy"]);
        Assert.Contains(second.Logs, l => l.Contains("reused from run test-run"));
    }

    [Fact]
    public void CancellationStopsTheRunBetweenSteps()
    {
        using var cts = new CancellationTokenSource();
        var sink = new MemorySink { OnProgress = s => { if (s.ProgressReports.Count >= 3) cts.Cancel(); } };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(Tiny(c => c.Epochs = 50), sink, cts.Token));
        Assert.True(sink.ProgressReports[^1].Fraction < 0.5);
    }

    [Fact]
    public void ResumeContinuesAfterTheLastCheckpointedEpoch()
    {
        using var cts = new CancellationTokenSource();
        // Cancel in the student's second epoch (steps 19..24), after its epoch-1 checkpoint at step 18.
        var sink = new MemorySink { OnMetrics = s => { if (s.Series("student/train_loss").Any(p => p.Step >= 20)) cts.Cancel(); } };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(Tiny(c => c.TrainBaseline = false), sink, cts.Token));
        Assert.Single(sink.Series("student/test_accuracy"));
        Assert.Contains(sink.Series("student/train_loss"), p => p.Step > 18);

        sink.OnMetrics = null;
        Run(Tiny(c => c.TrainBaseline = false), sink, resume: true);

        var studentSteps = sink.Series("student/test_accuracy").Select(p => p.Step).ToList();
        Assert.Equal(2, studentSteps.Count); // epoch 1 from before, epoch 2 after the resume: no gap, no duplicate
        Assert.Equal(studentSteps[0] + 6, studentSteps[1]);
        Assert.Equal(2, sink.Series("teacher/test_accuracy").Count());
        Assert.Contains(sink.Logs, l => l.Contains("student: resumed after epoch 1"));
        Assert.All(sink.Points.GroupBy(p => p.Series), g =>
            Assert.True(g.Zip(g.Skip(1)).All(pair => pair.First.Step < pair.Second.Step), $"{g.Key} repeats a step"));
        Assert.Equal(Enumerable.Range(13, 12).Select(i => (long)i), sink.Series("student/train_loss").Select(p => p.Step));

        // The restored weights, optimiser state, data order and jitter make the resumed run the uninterrupted one.
        var uninterrupted = Run(Tiny(c => c.TrainBaseline = false));
        Assert.Equal(uninterrupted.Artifacts["logits-student.json"].Content, sink.Artifacts["logits-student.json"].Content);
        Assert.Equal(Summaries[uninterrupted]["student.test_accuracy"], Summaries[sink]["student.test_accuracy"]);
    }
}
