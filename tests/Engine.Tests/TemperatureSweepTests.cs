using System.Text.Json;
using Vinula.Engine.Experiments.TemperatureSweep;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Tests;

public class TemperatureSweepTests
{
    private static TemperatureSweepConfig Tiny() => new()
    {
        Epochs = 1,
        TrainSize = 300,
        BatchSize = 100,
        LearningRate = 1e-2,
        Temperatures = [1, 4],
        Seeds = [1, 2],
        Teacher = new TeacherConfig { Model = ClassifierModel.Mlp, Hidden = [32], Epochs = null },
        Student = new StudentConfig { Hidden = [8] },
    };

    [Fact]
    public void ADryRunTrainsOneStudentPerTemperatureAndSeedAndSummarisesOverSeeds()
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        using (var run = new TemperatureSweepExperiment().Create(Tiny(), context))
        {
            Assert.Equal(["teacher", "baseline-s1", "student-t1-s1", "student-t4-s1", "baseline-s2", "student-t1-s2", "student-t4-s2"],
                run.Plan.Select(p => p.Role));
            new TrainingRunner(context).Run(run, resume: false, default);
        }
        var s = context.Summary;

        Assert.Equal([(1.0, 1), (4.0, 1), (1.0, 2), (4.0, 2)], sink.SweepPoints.Select(p => (p.Temperature, p.Seed)));
        foreach (var key in new[] { "student.test_accuracy@1", "student.test_accuracy@4", "student.test_accuracy_std@1",
                     "student.test_accuracy_std@4", "baseline.test_accuracy", "best_temperature", "teacher.test_accuracy", "student.params" })
            Assert.True(s.ContainsKey(key), key);
        Assert.DoesNotContain(s.Keys, k => k.StartsWith("student-t", StringComparison.Ordinal) || k.StartsWith("baseline-s", StringComparison.Ordinal));

        var results = JsonSerializer.Deserialize<SweepResults>(sink.Artifacts[SweepResults.ArtifactName].Content, VinulaJson.Options)!;
        Assert.Equal(4, results.Students.Count);
        Assert.Equal(2, results.Baselines.Count);
        // The mean over seeds, and the best T by validation accuracy, never by test accuracy.
        var atFour = results.Students.Where(m => m.Temperature == 4).Select(m => m.TestAccuracy).ToList();
        Assert.Equal(atFour.Average(), s["student.test_accuracy@4"], 12);
        Assert.Equal(SweepResults.MeanStd(atFour).Std, s["student.test_accuracy_std@4"], 12);
        var bestByValidation = results.Students.GroupBy(m => m.Temperature!.Value).OrderByDescending(g => g.Average(m => m.ValAccuracy)).ThenBy(g => g.Key).First().Key;
        Assert.Equal(bestByValidation, s["best_temperature"]);
    }

    [Fact]
    public void MeanStdUsesTheSampleSpreadAndIsZeroForOneSeed()
    {
        Assert.Equal((2.0, 1.0), SweepResults.MeanStd([1.0, 2.0, 3.0]));
        Assert.Equal((0.5, 0.0), SweepResults.MeanStd([0.5]));
    }

    [Fact]
    public void TemperaturesAreWrittenInTheirShortestInvariantForm()
    {
        Assert.Equal("0.5", SweepResults.Format(0.5));
        Assert.Equal("4", SweepResults.Format(4));
        Assert.Equal("student-t20-s3", SweepResults.StudentRole(20, 3));
    }

    [Theory]
    [InlineData("""{ "temperatures": [] }""", "temperatures")]
    [InlineData("""{ "temperatures": [2, -1] }""", "temperatures[1]")]
    [InlineData("""{ "seeds": [1, 1] }""", "seeds")]
    [InlineData("""{ "temperature": 4 }""", "temperature")]
    public void BadSweepConfigsNameTheirField(string json, string path)
    {
        var catalog = Experiments.ExperimentCatalog.CreateDefault();
        var result = catalog.Bind(catalog.Find(ExperimentKinds.TemperatureSweep)!, JsonDocument.Parse(json).RootElement, new MemorySink());
        Assert.Equal(path, Assert.Single(result.Errors).Path);
    }
}
