using System.Text.Json;
using System.Text.Json.Nodes;
using Vinula.Engine.Experiments;
using Vinula.Engine.Experiments.Distill;
using Vinula.Engine.Experiments.TemperatureSweep;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;

namespace Vinula.Engine.Tests;

/// <summary>Transfer sets, omitted digits, the bias correction and per-digit results (issue 11; Hinton et al. 2015, §3).</summary>
public class DarkKnowledgeTests
{
    private static Data.MnistData Mnist => TestData.Datasets.Mnist;

    private static DistillConfig Tiny(Action<DistillConfig>? change = null) => DistillRunTests.Tiny(change);

    private static (MemorySink Sink, Dictionary<string, double> Summary) Run(IExperimentDefinition definition, ExperimentConfig config)
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        using (var run = definition.Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, default);
        return (sink, context.Summary);
    }

    [Fact]
    public void TheTransferSetExcludesExactlyTheOmittedDigitsAndHasTheRequestedSize()
    {
        var set = TransferSet.Select(Mnist.Train, Mnist.Labels, [3, 7], 500, seed: 1);

        Assert.Equal(500, set.Length);
        Assert.Equal(set.Length, set.Distinct().Count());
        Assert.All(set, i => Assert.Contains(i, Mnist.Train));
        Assert.Equal([0, 1, 2, 4, 5, 6, 8, 9], set.Select(i => (int)Mnist.Labels[i]).Distinct().Order());
        // Without a size: every training digit that is not omitted.
        var all = TransferSet.Select(Mnist.Train, Mnist.Labels, [3], null, seed: 1);
        Assert.Equal(Mnist.Train.Where(i => Mnist.Labels[i] != 3), all);
    }

    [Fact]
    public void TheTransferSetIsStratifiedByDigit()
    {
        var kept = Mnist.Train.Where(i => Mnist.Labels[i] != 3).ToArray();
        var set = TransferSet.Select(Mnist.Train, Mnist.Labels, [3], 300, seed: 5);

        foreach (var digit in Enumerable.Range(0, 10).Where(d => d != 3))
        {
            var share = (double)kept.Count(i => Mnist.Labels[i] == digit) / kept.Length;
            var count = set.Count(i => Mnist.Labels[i] == digit);
            Assert.InRange(count, Math.Floor(share * 300), Math.Ceiling(share * 300)); // largest remainders: within one
        }
    }

    [Fact]
    public void TheTransferSetIsTheSameForASeedAndDiffersAcrossSeeds()
    {
        var a = TransferSet.Select(Mnist.Train, Mnist.Labels, [3], 300, seed: 1);
        Assert.Equal(a, TransferSet.Select(Mnist.Train, Mnist.Labels, [3], 300, seed: 1));
        Assert.NotEqual(a, TransferSet.Select(Mnist.Train, Mnist.Labels, [3], 300, seed: 2));
    }

    [Fact]
    public void TheTeachersDataIsUntouchedWhileStudentsTrainOnTheTransferSet()
    {
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
        var config = Tiny(c => { c.OmitDigits = [3]; c.TransferSize = 200; });
        using var setup = new DistillationSetup(config, context);
        using var plain = new ClassifierData(Mnist, config.TrainSize, config.Seed, TorchSharp.torch.CPU);

        Assert.Equal(plain.TrainIndices, setup.Data.TrainIndices);
        Assert.Contains(setup.Data.TrainIndices, i => Mnist.Labels[i] == 3);
        Assert.Equal(200, setup.Transfer.TrainCount);
        Assert.DoesNotContain(setup.Transfer.TrainIndices, i => Mnist.Labels[i] == 3);
        Assert.All(setup.Transfer.TrainIndices, i => Assert.Contains(i, setup.Data.TrainIndices)); // drawn from the teacher's split
        Assert.Equal(6, setup.TeacherPlan.StepsPerEpoch);
        Assert.Equal(2, setup.StudentPlan("student").StepsPerEpoch);
        Assert.Same(setup.Data.TestX, setup.Transfer.TestX); // every model scored on the same test tensors
    }

    [Fact]
    public void TheBaselineTrainsOnTheSameTransferSetAsTheStudent()
    {
        // α = 0: the student's loss is the baseline's, so identical results mean identical data, order and weights.
        var (sink, s) = Run(new DistillExperiment(), Tiny(c => { c.Alpha = 0; c.OmitDigits = [3]; c.TransferSize = 300; }));

        Assert.Equal(s["baseline.test_accuracy"], s["student.test_accuracy"]);
        Assert.Equal(s["baseline.omitted_accuracy"], s["student.omitted_accuracy"]);
        Assert.Equal(3, sink.Series("student/train_loss").Count() / 2); // 300 digits, batches of 100, 2 epochs
        Assert.Equal(3, sink.Series("baseline/train_loss").Count() / 2);
        Assert.Contains(sink.Logs, l => l.Contains("students and baselines train on 300 digits without 3"));
    }

    [Fact]
    public void PerDigitAccuraciesWeightedByDigitCountsAddUpToTheOverallAccuracy()
    {
        var (sink, s) = Run(new DistillExperiment(), Tiny(c => { c.OmitDigits = [3]; c.BiasCorrection = true; }));
        var counts = Enumerable.Range(0, 10).Select(d => Mnist.Test.Count(i => Mnist.Labels[i] == d)).ToArray();

        foreach (var role in new[] { "teacher", "student", "baseline" })
        {
            var weighted = Enumerable.Range(0, 10).Sum(d => s[$"{role}.test_accuracy@digit{d}"] * counts[d]) / counts.Sum();
            Assert.Equal(s[$"{role}.test_accuracy"], weighted, 9);
            var matrix = JsonSerializer.Deserialize<ConfusionMatrix>(sink.Artifacts[ConfusionMatrix.ArtifactName(role)].Content, VinulaJson.Options)!;
            Assert.Equal(counts, matrix.Counts.Select(r => r.Sum()));
            Assert.Equal(s[$"{role}.test_accuracy@digit3"], matrix.Recall()[3], 9);
        }
        Assert.Equal(s["student.test_accuracy@digit3"], s["student.omitted_accuracy"], 9);
        foreach (var key in new[] { "student.omitted_accuracy_corrected", "baseline.omitted_accuracy", "bias_correction", "student.test_accuracy_corrected" })
            Assert.True(s.ContainsKey(key), key);
        Assert.False(s.ContainsKey("student.bias_correction"));
        Assert.True(sink.Artifacts.ContainsKey(ConfusionMatrix.ArtifactName("student-corrected")));
    }

    [Fact]
    public void TheBiasIsTheGridValueThatMendsTheValidationDigits()
    {
        // Two classes; class 1 is "omitted": its logit sits 3 below where it should. Rows of class 1 have
        // logits (0, -2.1), rows of class 0 have (0, -4): any b in (2.1, 4] gets all right; the smallest is 2.25.
        float[] logits = [0, -2.1f, 0, -2.1f, 0, -4, 0, -4, 0, -4];
        int[] labels = [1, 1, 0, 0, 0];

        var (bias, before, after) = OmittedClassBias.Choose(logits, labels, 2, [1]);

        Assert.Equal(2.25, bias);
        Assert.Equal(0.6, before, 9);
        Assert.Equal(1.0, after, 9);
    }

    [Fact]
    public void WithoutEvidenceTheBiasStaysZero()
    {
        // Nothing on validation changes between b = -0.25 and b = 0.25: the tie goes to the smallest |b|.
        float[] logits = [5, 0, 5, 0, 0, 5];
        var (bias, _, _) = OmittedClassBias.Choose(logits, [0, 0, 1], 2, [1]);
        Assert.Equal(0, bias);
    }

    [Fact]
    public void TheBiasIsChosenOnValidationSoPoisonedTestLabelsDoNotChangeIt()
    {
        var random = new Random(3);
        float[] Logits(int rows) => [.. Enumerable.Range(0, rows * 10).Select(_ => (float)(random.NextDouble() * 4 - 2))];
        var (validationLogits, testLogits) = (Logits(400), Logits(300));
        int[] validationLabels = [.. Enumerable.Range(0, 400).Select(i => i % 10)];
        int[] testLabels = [.. Enumerable.Range(0, 300).Select(i => i % 10)];
        int[] poisoned = [.. testLabels.Select(_ => 3)]; // every test digit a 3: a test-tuned bias would jump to +20

        double Chosen(int[] labels)
        {
            var sink = new MemorySink();
            var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, TorchSharp.torch.CPU);
            new DigitReport([3], BiasCorrection: true).Write("student", testLogits, labels, 10, 0, context, () => (validationLogits, validationLabels));
            return context.Summary["student.bias_correction"];
        }

        Assert.Equal(OmittedClassBias.Choose(validationLogits, validationLabels, 10, [3]).Bias, Chosen(testLabels));
        Assert.Equal(Chosen(testLabels), Chosen(poisoned));
    }

    [Theory]
    [InlineData("omitDigits", "[3, 3]", "omitDigits[1]")]
    [InlineData("omitDigits", "[10]", "omitDigits[0]")]
    [InlineData("omitDigits", "[0,1,2,3,4,5,6,7,8,9]", "omitDigits")]
    [InlineData("transferSize", "5", "transferSize")] // fewer than the 9 kept classes
    [InlineData("transferSize", "700", "transferSize")] // more than trainSize
    [InlineData("biasCorrection", "true", "biasCorrection")] // nothing omitted to correct
    public void InvalidTransferSettingsAreReportedAtTheirField(string field, string value, string path)
    {
        var json = new JsonObject { ["trainSize"] = 600, [field] = JsonNode.Parse(value) };
        if (field == "transferSize") json["omitDigits"] = new JsonArray(3);
        var result = ExperimentCatalog.CreateDefault().Bind(new DistillExperiment(), JsonDocument.Parse(json.ToJsonString()).RootElement, new MemorySink());
        Assert.Contains(result.Errors, e => e.Path == path);
    }

    public static TheoryData<string, string> Presets => new()
    {
        { ExperimentKinds.Distill, DarkKnowledgePresets.NoThreesName },
        { ExperimentKinds.Distill, DarkKnowledgePresets.SmallTransferName },
        { ExperimentKinds.TemperatureSweep, DarkKnowledgePresets.NoThreesName },
        { ExperimentKinds.TemperatureSweep, DarkKnowledgePresets.SmallTransferName },
    };

    /// <summary>A preset on the dry-run config; 600 training digits so the 300-digit transfer set fits.</summary>
    public static JsonObject DryRunOf(string kind, string preset)
    {
        var definition = ExperimentCatalog.CreateDefault().Find(kind)!;
        var json = DryRun.Config(definition, epochs: 1, definition.Presets.Single(p => p.Name == preset).Config);
        json["trainSize"] = 600;
        if (json["seeds"] is not null) json["seeds"] = new JsonArray(1);
        return json;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void EachDarkKnowledgePresetDryRunsThroughTheRunner(string kind, string preset)
    {
        var definition = ExperimentCatalog.CreateDefault().Find(kind)!;
        var fields = definition.Presets.Single(p => p.Name == preset).Config;
        Assert.False(string.IsNullOrWhiteSpace(definition.Presets.Single(p => p.Name == preset).Description));
        // As the New page starts it: the preset over the defaults, at full size.
        var full = ExperimentCatalog.CreateDefault().Bind(definition, JsonDocument.Parse(fields.ToJsonString()).RootElement, new MemorySink());
        Assert.True(full.IsValid, string.Join("; ", full.Errors.Select(e => $"{e.Path}: {e.Message}")));
        var bound = ExperimentCatalog.CreateDefault().Bind(definition, JsonDocument.Parse(DryRunOf(kind, preset).ToJsonString()).RootElement, new MemorySink());
        Assert.True(bound.IsValid, string.Join("; ", bound.Errors.Select(e => $"{e.Path}: {e.Message}")));

        var (_, s) = Run(definition, bound.Config!);

        Assert.All(s.Values, v => Assert.True(double.IsFinite(v)));
        Assert.True(s.ContainsKey("teacher.test_accuracy@digit3"));
        Assert.True(s.ContainsKey("baseline.test_accuracy@digit9"));
        if (preset == DarkKnowledgePresets.NoThreesName)
        {
            foreach (var key in new[] { "student.omitted_accuracy", "student.omitted_accuracy_corrected", "baseline.omitted_accuracy", "bias_correction" })
                Assert.True(s.ContainsKey(key), key);
            if (kind == ExperimentKinds.TemperatureSweep)
                Assert.True(s.ContainsKey("student.omitted_accuracy@20"));
        }
    }
}
