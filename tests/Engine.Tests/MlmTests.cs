using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Experiments.TextDistill;
using Vinula.Engine.Models;
using Vinula.Engine.Text;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Tests;

/// <summary>The text-distill kind, task mlm (DistilBERT scaled down): masking, layer initialisation, the triple loss,
/// gradient accumulation, validation and a tiny run on the real Brown corpus.</summary>
public sealed class MlmTests
{
    private static BrownCorpus Brown => TestData.Datasets.Brown;

    private static TextDistillConfig Tiny(Action<TextDistillConfig>? change = null)
    {
        var config = TextDistillConfig.ForTask(TextDistillTask.Mlm);
        config.Epochs = 2;
        config.TrainSize = 120;
        config.BatchSize = 30;
        config.PassageTokens = 24;
        config.VocabularySize = 300;
        config.Teacher = new TextTeacherConfig { Layers = 2, Dim = 16, Heads = 2, FeedForward = 32, Epochs = null };
        change?.Invoke(config);
        return config;
    }

    [Fact]
    public void DynamicMaskingChoosesFifteenPercentOfRealWordsAndReplacesThemEightyTenTen()
    {
        TestData.InitTorch();
        using var scope = torch.NewDisposeScope();
        const int vocabulary = 50;
        using var random = Seeds.Generator(3, Seeds.Of("masking"));
        // Words 5..49, with padding at the end of every row and some <unk>s: neither may ever be chosen.
        var ids = randint(Vocabulary.SpecialCount, vocabulary, [64, 40], generator: random);
        ids.narrow(1, 30, 10).fill_(Vocabulary.Pad);
        ids.narrow(1, 0, 3).fill_(Vocabulary.Unknown);
        var eligible = ids.ge(Vocabulary.SpecialCount);

        long words = 0, chosen = 0, masked = 0, replaced = 0, kept = 0;
        Tensor? previous = null;
        for (var batch = 0; batch < 200; batch++)
        {
            var (input, targets) = DynamicMasking.Apply(ids, 0.15, vocabulary, random);
            var asked = targets.ne(DynamicMasking.Ignore);
            Assert.False(asked.logical_and(eligible.logical_not()).any().item<bool>(), "a pad or <unk> was chosen");
            Assert.True(targets[asked].eq(ids[asked]).all().item<bool>(), "a target is not the original word");
            Assert.True(input[asked.logical_not()].eq(ids[asked.logical_not()]).all().item<bool>(), "an unchosen word changed");
            var shown = input[asked];
            Assert.True(shown.ge(Vocabulary.SpecialCount).logical_or(shown.eq(Vocabulary.Mask)).all().item<bool>(), "a replacement is a special");
            words += eligible.sum().item<long>();
            chosen += asked.sum().item<long>();
            masked += shown.eq(Vocabulary.Mask).sum().item<long>();
            var notMask = shown.ne(Vocabulary.Mask);
            var same = shown.eq(targets[asked]);
            kept += notMask.logical_and(same).sum().item<long>();
            replaced += notMask.logical_and(same.logical_not()).sum().item<long>();
            if (previous is not null) Assert.False(Same(previous, asked), "the masks did not change between batches");
            previous = asked;
        }
        Assert.InRange((double)chosen / words, 0.145, 0.155);
        Assert.InRange((double)masked / chosen, 0.79, 0.81);
        // A random replacement equals the original word 1 time in 45: it counts as kept.
        Assert.InRange((double)replaced / chosen, 0.09, 0.105);
        Assert.InRange((double)kept / chosen, 0.095, 0.11);
    }

    [Fact]
    public void TheStudentsLayersAreExactCopiesOfTheNamedTeacherLayers()
    {
        TestData.InitTorch();
        var config = Tiny(c => c.Teacher.Layers = 4);
        using var teacher = MlmRun.CreateModel(config, 300, 4, "teacher");
        using var student = MlmRun.CreateModel(config, 300, 2, "student");
        student.CopyFrom(teacher, [1, 3]);

        foreach (var (studentLayer, teacherLayer) in new[] { (0, 1), (1, 3) })
        {
            var copied = student.BlockParameters(studentLayer).ToList();
            var source = teacher.BlockParameters(teacherLayer).ToDictionary(p => p.Name, p => p.Value);
            Assert.Equal(source.Keys.Order(), copied.Select(p => p.Name).Order());
            Assert.All(copied, p => Assert.True(Same(p.Value, source[p.Name]), $"student layer {studentLayer} {p.Name}"));
            var other = teacher.BlockParameters(teacherLayer - 1).ToDictionary(p => p.Name, p => p.Value);
            Assert.Contains(copied, p => !Same(p.Value, other[p.Name]));
        }
        using var ids = tensor(new long[] { 7, 8, 9, 0 }).unsqueeze(0);
        using var s = student.Encode(ids);
        Assert.True(student.parameters().Count() < teacher.parameters().Count());
        // Embeddings and head copied: the prediction head maps the same hidden state to the same logits.
        using var h = randn(3, 16);
        Assert.True(student.Predict(h).allclose(teacher.Predict(h)));
    }

    [Fact]
    public void EveryOtherTeacherLayerByDefaultNamedLayersOrNone()
    {
        Assert.Equal([0, 2, 4], MlmRun.SeedLayers(Tiny(c => c.Teacher.Layers = 6)));
        Assert.Equal([0, 2], MlmRun.SeedLayers(Tiny(c => c.Teacher.Layers = 4)));
        Assert.Equal(3, MlmRun.StudentLayers(Tiny(c => c.Teacher.Layers = 5)));
        Assert.Equal([3, 5], MlmRun.SeedLayers(Tiny(c => { c.Teacher.Layers = 6; c.Student.Layers = 2; c.InitFromTeacherLayers = [3, 5]; })));
        Assert.Empty(MlmRun.SeedLayers(Tiny(c => c.InitFromTeacherLayers = [])));
    }

    [Fact]
    public void AStudentThatIsAnExactCopyOfItsTeacherHasNoSoftOrCosineLoss()
    {
        TestData.InitTorch();
        using var scope = torch.NewDisposeScope();
        var config = Tiny(c => c.Teacher.Dropout = 0);
        using var teacher = MlmRun.CreateModel(config, 300, 2, "teacher");
        using var student = MlmRun.CreateModel(config, 300, 2, "student");
        student.CopyFrom(teacher, [0, 1]);
        student.eval();
        using var random = Seeds.Generator(1, 2);
        var ids = randint(Vocabulary.SpecialCount, 300, [4, 24], generator: random);
        var (input, targets) = DynamicMasking.Apply(ids, 0.3, 300, random);
        var terms = MlmRun.Distillation(student, teacher, config)(input, targets, ids).Terms.Parts.ToDictionary(p => p.Name, p => p.Value.item<float>());
        Assert.Equal(0, terms["soft_loss"], 4);
        Assert.Equal(0, terms["cosine_loss"], 4);
        Assert.True(terms["hard_loss"] > 1);
    }

    [Fact]
    public void TheSoftTermsGradientIsTheTemperatureScaledDifferenceOfDistributions()
    {
        // T²·KL(p_T‖q_T) per position, averaged over n positions: ∂/∂z = T·(q_T − p_T)/n (Hinton et al. 2015, §2).
        TestData.InitTorch();
        using var scope = torch.NewDisposeScope();
        const double t = 3;
        using var random = Seeds.Generator(5, 6);
        var z = randn([5, 7], generator: random).requires_grad_();
        var v = randn([5, 7], generator: random);
        Experiments.TextDistill.MlmRun.SoftTerm(z, v, t).backward();
        var expected = F.softmax(z.detach() / t, -1).sub(F.softmax(v / t, -1)).mul(t / 5);
        Assert.True(z.grad!.allclose(expected, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void EachMaskedLanguageModelOverfitsATinyBatch()
    {
        TestData.InitTorch();
        var config = Tiny(c => c.Teacher.Dropout = 0);
        using var model = MlmRun.CreateModel(config, 300, 2, "teacher");
        using var data = new MlmData(Brown, 24, 300, trainSize: 16, maskProbability: 0.15, seed: 1);
        using var random = Seeds.Generator(1, 1);
        var (input, targets) = DynamicMasking.Apply(data.TrainX, 0.3, 300, random);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-2);
        var objective = MlmPhase.MaskedLm(model);
        model.train();
        float first = 0, last = 0;
        for (var step = 0; step < 150; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = objective(input, targets, data.TrainX).Terms.Loss;
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < 0.1 * first, $"loss {first} → {last}");
    }

    [Fact]
    public void ATinyRunReportsAccuraciesSizesAndTheLayerMap()
    {
        var (sink, summary) = Run(Tiny(c => c.Teacher.Layers = 4));
        foreach (var role in new[] { "teacher", "student", "baseline" })
        {
            Assert.InRange(summary[$"{role}.test_accuracy"], 0, 1);
            Assert.True(summary[$"{role}.test_loss"] > 0);
            Assert.Equal(2, sink.Series($"{role}/test_accuracy").Count());
            Assert.NotEmpty(sink.Series($"{role}/train_loss"));
            var predictions = JsonSerializer.Deserialize<MlmPredictions>(sink.Artifacts[MlmPredictions.ArtifactName(role)].Content, VinulaJson.Options)!;
            Assert.Equal(MlmPhase.ExamplePassages, predictions.Examples.Count);
            Assert.Contains(predictions.Examples, e => e.Guesses.Count > 0);
        }
        Assert.Equal(4, summary["teacher.layers"]);
        Assert.Equal(2, summary["student.layers"]);
        Assert.True(summary["student.params"] < summary["teacher.params"]);
        Assert.InRange(summary["student.params_saved"], 0.05, 0.95);
        Assert.True(summary["student.speedup"] > 1, $"speed-up {summary["student.speedup"]}");
        Assert.Equal(summary["student.test_accuracy"] / summary["teacher.test_accuracy"], summary["student.accuracy_kept"], 6);
        Assert.InRange(summary["test.most_frequent_accuracy"], 0.01, 0.2);
        foreach (var part in new[] { "soft_loss", "hard_loss", "cosine_loss" })
            Assert.NotEmpty(sink.Series($"student/{part}"));
        var setup = JsonSerializer.Deserialize<MlmSetup>(sink.Artifacts[MlmSetup.ArtifactName].Content, VinulaJson.Options)!;
        Assert.Equal([0, 2], setup.InitFromTeacherLayers);
        Assert.Equal(2, setup.Accumulation);
        Assert.Equal(1.0, sink.ProgressReports[^1].Fraction);
    }

    [Fact]
    public void GradientAccumulationMakesOneOptimiserStepOfSeveralMicroBatches()
    {
        var (sink, _) = Run(Tiny(c => { c.GradientAccumulation = 3; c.TrainBaseline = false; c.Epochs = 1; c.Teacher.Epochs = 1; }));
        // 120 passages in micro-batches of 30: 4 micro-batches. The teacher steps on each (4 steps); the student adds
        // up 3 then 1 (2 steps).
        Assert.Equal(4, sink.Series("teacher/test_accuracy").Single().Step);
        Assert.Equal(6, sink.Series("student/test_accuracy").Single().Step);
    }

    [Theory]
    [InlineData("""{"initFromTeacherLayers":[0]}""", "initFromTeacherLayers")]
    [InlineData("""{"initFromTeacherLayers":[0,4]}""", "initFromTeacherLayers[1]")]
    [InlineData("""{"student":{"layers":5}}""", "student.layers")]
    public void ValidationNamesTheBadLayerField(string json, string path)
    {
        var partial = JsonNode.Parse(json)!.AsObject();
        partial["task"] = "mlm";
        var catalog = ExperimentCatalog.CreateDefault();
        var result = catalog.Bind(catalog.Find(ExperimentKinds.TextDistill)!, JsonSerializer.SerializeToElement(partial), new MemorySink());
        Assert.Equal(path, Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void APostedMlmTaskStartsFromTheMlmDefaultsAndNestedFieldsOverlay()
    {
        var catalog = ExperimentCatalog.CreateDefault();
        var definition = catalog.Find(ExperimentKinds.TextDistill)!;
        var bound = catalog.Bind(definition, JsonDocument.Parse("""{"task":"mlm","teacher":{"layers":6},"initFromTeacherLayers":true}""").RootElement, new MemorySink());
        Assert.Empty(bound.Errors);
        var config = (TextDistillConfig)bound.Config!;
        Assert.Equal(6, config.Teacher.Layers);
        Assert.Equal(TextDistillConfig.ForTask(TextDistillTask.Mlm).Teacher.Dim, config.Teacher.Dim);
        Assert.Equal(TextDistillConfig.ForTask(TextDistillTask.Mlm).VocabularySize, config.VocabularySize);
        Assert.Null(config.InitFromTeacherLayers);

        var genre = (TextDistillConfig)catalog.Bind(definition, JsonDocument.Parse("""{"initFromTeacherLayers":false}""").RootElement, new MemorySink()).Config!;
        Assert.Equal(new TextDistillConfig().VocabularySize, genre.VocabularySize);
        Assert.Equal([], genre.InitFromTeacherLayers);
        Assert.Contains("[1,3]", JsonSerializer.Serialize(new TextDistillConfig { InitFromTeacherLayers = [1, 3] }, VinulaJson.Options));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static (MemorySink Sink, Dictionary<string, double> Summary) Run(TextDistillConfig config)
    {
        TestData.InitTorch();
        var sink = new MemorySink();
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, torch.CPU);
        using (var run = new TextDistillExperiment().Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, CancellationToken.None);
        return (sink, context.Summary);
    }
}
