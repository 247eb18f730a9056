using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Engine.Experiments.TextDistill;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Tests;

/// <summary>The text-distill kind, task genre: passages, the three models, validation and a tiny run on the real Brown corpus.</summary>
public sealed class TextDistillTests
{
    private static BrownCorpus Brown => TestData.Datasets.Brown;

    private static TextDistillConfig Tiny(Action<TextDistillConfig>? change = null)
    {
        var config = new TextDistillConfig
        {
            Epochs = 2,
            TrainSize = 300,
            BatchSize = 100,
            PassageTokens = 32,
            VocabularySize = 2000,
            Teacher = new TextTeacherConfig { Layers = 1, Dim = 16, Heads = 2, FeedForward = 32, Epochs = null },
            Student = new TextStudentConfig { Dim = 8 },
        };
        change?.Invoke(config);
        return config;
    }

    [Fact]
    public void PassagesStayWithinTheirFileAndNoFileIsOnTwoSides()
    {
        const int max = 64;
        using var data = new GenreData(Brown, max, 3000, trainSize: null, seed: 1);
        var sides = new[] { data.Train, data.Validation, data.Test }.Select(s => s.Select(p => p.File).ToHashSet()).ToArray();
        Assert.Empty(sides[0].Intersect(sides[2]));
        Assert.Empty(sides[0].Intersect(sides[1]));
        Assert.Empty(sides[1].Intersect(sides[2]));
        Assert.All(data.Test, p => Assert.Equal(0, int.Parse(p.File[2..]) % 5));
        Assert.Equal(93, sides[2].Count);

        // Every passage holds between a quarter of the cap and the cap, and is labelled with its file's genre.
        var genreOf = Brown.Files.ToDictionary(f => f.Name, f => f.Genre);
        foreach (var p in data.Train.Concat(data.Validation).Concat(data.Test))
        {
            Assert.InRange(p.Tokens.Length, GenrePassages.MinTokens(max), max);
            Assert.Equal(genreOf[p.File], p.Genre);
        }
        Assert.Equal(data.Test.Count, data.Stats.TestPassages.Sum());
        Assert.InRange(data.Stats.MeanTokens, 0.75 * max, max);
    }

    [Fact]
    public void APassageEndsAtASentenceEndOrIsFullAndTheyCoverTheFileInOrder()
    {
        const int max = 24;
        var file = Brown.Files.First(f => f.Name == "ca01");
        var passages = GenrePassages.Cut(file.Sentences, max);
        var words = file.Sentences.SelectMany(s => s).ToArray();
        var cut = passages.SelectMany(p => p).ToArray();
        // In order and without overlap: the passages are a prefix of the file's words (only a short tail is dropped).
        Assert.Equal(words.Take(cut.Length), cut);
        Assert.True(words.Length - cut.Length < GenrePassages.MinTokens(max));
        var ends = new HashSet<int>();
        var position = 0;
        foreach (var s in file.Sentences) ends.Add(position += s.Length);
        position = 0;
        foreach (var p in passages)
        {
            position += p.Count;
            Assert.True(ends.Contains(position) || p.Count == max, $"a passage of {p.Count} words ends inside a sentence");
            Assert.InRange(p.Count, GenrePassages.MinTokens(max), max);
        }
    }

    public static TheoryData<string> Models => new() { "teacher", "student", "bow" };

    [Theory]
    [MemberData(nameof(Models))]
    public void EachModelOverfitsATinyBatch(string model)
    {
        TestData.InitTorch();
        using var data = new GenreData(Brown, 32, 2000, trainSize: 30, seed: 1);
        var config = Tiny();
        using nn.Module<Tensor, Tensor> net = model switch
        {
            "teacher" => TextDistillRun.CreateTeacher(config, data),
            "student" => TextDistillRun.CreateStudent(config, data),
            _ => new BagOfWords(data.InverseDocumentFrequency(), data.Classes),
        };
        using var optimizer = torch.optim.Adam(net.parameters(), model == "teacher" ? 3e-3 : 5e-2);
        net.train();
        float first = 0, last = 0;
        for (var step = 0; step < 150; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = F.cross_entropy(net.forward(data.TrainX), data.TrainY);
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < 0.2 * first, $"{model}: loss {first} → {last}");
    }

    [Fact]
    public void BagOfWordsIsLogisticRegressionOnNormalisedTfIdf()
    {
        TestData.InitTorch();
        float[] idf = [0, 1, 2, 0.5f];
        using var bow = new BagOfWords(idf, 2);
        using (torch.no_grad())
        {
            var w = bow.parameters().First(p => p.dim() == 2);
            w.copy_(torch.tensor(new float[] { 0, 0, 1, 2, 3, 4, 5, 6 }, [4, 2]));
        }
        // Passage "1 1 2 <pad>": x = (2·1, 1·2, 0) / ‖(2, 2)‖ over ids 1..3.
        using var logits = bow.forward(torch.tensor(new long[] { 1, 1, 2, 0 }, [1, 4]));
        var norm = Math.Sqrt(8);
        var expected = new[] { (2 * 1 + 2 * 3) / norm, (2 * 2 + 2 * 4) / norm };
        var actual = logits.data<float>().ToArray();
        Assert.Equal(expected[0], actual[0], 4);
        Assert.Equal(expected[1], actual[1], 4);
    }

    [Fact]
    public void ATinyRunReportsTheProductSummaryKeysAndTheConfusionMatrices()
    {
        var (sink, summary) = Run(Tiny());
        foreach (var role in new[] { "teacher", "student", "baseline", "bow" })
        {
            Assert.InRange(summary[$"{role}.test_accuracy"], 0, 1);
            Assert.InRange(summary[$"{role}.test_balanced_accuracy"], 0, 1);
            Assert.True(summary[$"{role}.params"] > 0);
            Assert.Equal(2, sink.Series($"{role}/test_accuracy").Count());
            Assert.NotEmpty(sink.Series($"{role}/train_loss"));

            var matrix = JsonSerializer.Deserialize<ConfusionMatrix>(sink.Artifacts[ConfusionMatrix.ArtifactName(role)].Content, VinulaJson.Options)!;
            Assert.Equal(15, matrix.Counts.Length);
            Assert.All(matrix.Counts, row => Assert.Equal(15, row.Length));
            Assert.Equal((int)summary["test.count"], matrix.Total);
            var correct = Enumerable.Range(0, 15).Sum(g => matrix.Counts[g][g]);
            Assert.Equal(summary[$"{role}.test_accuracy"], (double)correct / matrix.Total, 5);
        }
        Assert.True(summary["teacher.params"] > 2 * summary["student.params"]);
        Assert.True(summary["student.speedup"] > 1, $"speed-up {summary["student.speedup"]}");
        Assert.InRange(summary["test.majority_accuracy"], 0.05, 0.3);
        Assert.NotEmpty(sink.Series("student/soft_loss"));
        Assert.True(sink.Artifacts.ContainsKey(GenrePassageStats.ArtifactName));
        Assert.Equal(1.0, sink.ProgressReports[^1].Fraction);
    }

    [Fact]
    public void AtAlphaZeroTheStudentIsItsBaseline()
    {
        var (_, summary) = Run(Tiny(c => { c.Alpha = 0; c.TrainBagOfWords = false; c.Teacher.Epochs = 1; }));
        Assert.Equal(summary["baseline.test_accuracy"], summary["student.test_accuracy"]);
    }

    [Theory]
    [InlineData(0.0, 0.5, "temperature")]
    [InlineData(-1.0, 0.5, "temperature")]
    [InlineData(4.0, 1.5, "alpha")]
    [InlineData(4.0, -0.1, "alpha")]
    public void ValidationRefusesBadTemperatureAndAlphaNamingTheField(double temperature, double alpha, string path)
    {
        var errors = Validate(new TextDistillConfig { Temperature = temperature, Alpha = alpha });
        Assert.Equal(path, Assert.Single(errors).Path);
    }

    [Fact]
    public void TheDefaultsAreValidAndHeadsMustDivideTheWidth()
    {
        Assert.Empty(Validate(new TextDistillConfig()));
        Assert.Equal("teacher.heads", Assert.Single(Validate(new TextDistillConfig { Teacher = new TextTeacherConfig { Dim = 64, Heads = 5 } })).Path);
    }

    [Fact]
    public void APartialJsonConfigTakesTheDefaults()
    {
        var config = JsonSerializer.Deserialize<TextDistillConfig>("""{"task":"genre","temperature":2,"lossWeights":{"soft":1}}""", VinulaJson.Options)!;
        Assert.Equal(2, config.Temperature);
        Assert.Equal(1, config.LossWeights.Soft);
        Assert.Equal(2, config.LossWeights.Hard);
        Assert.Equal(0.15, config.MaskProbability);
        Assert.Equal("mlm", JsonSerializer.Serialize(TextDistillTask.Mlm, VinulaJson.Options).Trim('"'));
    }

    private static IReadOnlyList<ValidationError> Validate(TextDistillConfig config) =>
        new TextDistillExperiment().Validate(config, new MemorySink());

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
