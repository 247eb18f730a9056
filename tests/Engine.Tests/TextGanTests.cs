using System.Text;
using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Experiments;
using Vinula.Engine.Experiments.TextGan;
using Vinula.Engine.Models;
using Vinula.Engine.Text;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Tests;

public class TextGanTests
{
    public TextGanTests() => TestData.InitTorch();

    private static readonly ExperimentCatalog Catalog = ExperimentCatalog.CreateDefault();

    /// <summary>A tiny uploaded corpus: a few sentence patterns, repeated, so a model can learn them.</summary>
    private static byte[] TinyCorpus()
    {
        var subjects = new[] { "the cat", "a dog", "the bird", "my friend" };
        var verbs = new[] { "sees", "likes", "finds" };
        var objects = new[] { "the ball .", "a tree .", "the house ." };
        var lines = new StringBuilder();
        var i = 0;
        foreach (var s in subjects)
            foreach (var v in verbs)
                foreach (var o in objects)
                    for (var k = 0; k < 3; k++, i++)
                        lines.AppendLine($"{s} {v} {o}");
        return Encoding.UTF8.GetBytes(lines.ToString());
    }

    [Fact]
    public void TheReinforceLossRaisesTheProbabilityOfTheRewardedToken()
    {
        const int vocabulary = 10, rewarded = 7;
        using var random = Seeds.Generator(3);
        using var g = new LstmGenerator(vocabulary, 8, 16).InitialiseText(random);
        using var optimizer = optim.Adam(g.parameters(), 0.01);
        double FirstTokenProbability()
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var (logits, _) = g.Step(full(1, (long)Vocabulary.Begin), null);
            return F.softmax(logits, 1)[0, rewarded].item<float>();
        }
        var before = FirstTokenProbability();
        for (var step = 0; step < 30; step++)
        {
            using var scope = NewDisposeScope();
            var tokens = Sequences.Sample(g, 32, 4, 1.0, random, CPU);
            var rewards = tokens.eq(rewarded).to(ScalarType.Float32); // reward 1 only where the rewarded token was drawn
            var loss = Sequences.PolicyGradientLoss(g.forward(Sequences.InputsOf(tokens)), tokens, rewards, Sequences.Mask(tokens));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        var after = FirstTokenProbability();
        Assert.True(after > before + 0.2, $"P(k) went from {before:0.000} to {after:0.000}");
    }

    [Fact]
    public void TheMaskCoversTokensUpToAndIncludingTheFirstEnd()
    {
        using var tokens = tensor(new long[] { 5, 6, Vocabulary.End, 0, 7, 8, 9, 10 }, [2, 4]);
        using var mask = Sequences.Mask(tokens);
        Assert.Equal([1f, 1, 1, 0, 1, 1, 1, 1], mask.ToFloats());
    }

    [Fact]
    public void WithoutRolloutsEveryTokenGetsTheWholeSentencesReward()
    {
        using var random = Seeds.Generator(2);
        using var g = new LstmGenerator(12, 8, 16).InitialiseText(random);
        using var d = new TextCnnDiscriminator(12, 8, 4).InitialiseText(random);
        using var scope = NewDisposeScope();
        var tokens = Sequences.Sample(g, 6, 5, 1.0, random, CPU);
        var q0 = Sequences.Rewards(g, d, tokens, 0, random);
        var q3 = Sequences.Rewards(g, d, tokens, 3, random);
        Assert.Equal([6L, 5L], q3.shape);
        var whole = F.sigmoid(d.forward(tokens)).ToFloats();
        var (flat0, flat3) = (q0.ToFloats(), q3.ToFloats());
        for (var i = 0; i < 6; i++)
        {
            for (var t = 0; t < 5; t++) Assert.Equal(whole[i], flat0[i * 5 + t], 5);
            Assert.Equal(whole[i], flat3[i * 5 + 4], 5); // the last token's Q is D(Y) itself
            Assert.All(Enumerable.Range(0, 5), t => Assert.InRange(flat3[i * 5 + t], 0, 1));
        }
    }

    [Fact]
    public void TheGeneratorOverfitsATinyBatch()
    {
        using var random = Seeds.Generator(5);
        using var g = new LstmGenerator(20, 16, 32).InitialiseText(random);
        using var optimizer = optim.Adam(g.parameters(), 0.01);
        using var input = tensor(new long[] { 2, 5, 6, 7, 2, 8, 9, 10 }, [2, 4]);
        using var target = tensor(new long[] { 5, 6, 7, 3, 8, 9, 10, 3 }, [2, 4]);
        float first = 0, last = 0;
        for (var i = 0; i < 200; i++)
        {
            using var scope = NewDisposeScope();
            var loss = Sequences.Nll(g, input, target);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (i == 0) first = last;
        }
        // Both sentences start after <bos>, so the first token is a coin flip: the floor is ln 2 / 4 per token.
        Assert.True(first > 2.5 && last < Math.Log(2) / 4 + 0.02, $"NLL {first:0.000} → {last:0.000}");
    }

    [Fact]
    public void TheDiscriminatorOverfitsATinyBatch()
    {
        using var random = Seeds.Generator(6);
        using var d = new TextCnnDiscriminator(20, 8, 8).InitialiseText(random);
        using var optimizer = optim.Adam(d.parameters(), 0.01);
        using var sentences = tensor(new long[] { 5, 6, 7, 3, 8, 9, 10, 3, 11, 11, 11, 3, 12, 5, 12, 3 }, [4, 4]);
        using var labels = tensor(new float[] { 1, 1, 0, 0 });
        float first = 0, last = 0;
        for (var i = 0; i < 100; i++)
        {
            using var scope = NewDisposeScope();
            var loss = F.binary_cross_entropy_with_logits(d.forward(sentences), labels);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (i == 0) first = last;
        }
        Assert.True(first > 0.5 && last < 0.05, $"BCE {first:0.000} → {last:0.000}");
    }

    [Fact]
    public void AnUnknownCorpusIdIsReportedAtTheCorpusField()
    {
        var definition = Catalog.Find(ExperimentKinds.TextGan)!;
        var errors = definition.Validate(new TextGanConfig { Corpus = "no-such-corpus" }, new MemorySink());
        var error = Assert.Single(errors);
        Assert.Equal("corpus", error.Path);
        Assert.Contains("no-such-corpus", error.Message);
    }

    [Fact]
    public void TheConfigBindsFromJsonWithItsDefaults()
    {
        var sink = new MemorySink();
        sink.Corpora["c1"] = ("tiny", TinyCorpus());
        var result = Catalog.Bind(Catalog.Find(ExperimentKinds.TextGan)!,
            JsonDocument.Parse("""{ "corpus": "c1", "tokenizer": "char", "rollouts": 0 }""").RootElement, sink);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
        var config = Assert.IsType<TextGanConfig>(result.Config);
        Assert.Equal((TextGanTokenizer.Char, 0), (config.Tokenizer, config.Rollouts));
        Assert.Equal(((int?)3, (int?)3), (config.PretrainEpochs, config.AdversarialEpochs)); // resolved from epochs
    }

    private static (RunContext Context, MemorySink Sink) Run(TextGanConfig config, MemorySink sink)
    {
        var context = new RunContext(sink.RunId, sink, sink, TestData.Datasets, CPU);
        using (var run = Catalog.Find(ExperimentKinds.TextGan)!.Create(config, context))
            new TrainingRunner(context).Run(run, resume: false, default);
        return (context, sink);
    }

    private static readonly string[] SummaryKeys = ["bleu2", "bleu3", "bleu4", "self_bleu4", "test.nll"];

    [Fact]
    public void ADryRunOnATinyUploadedCorpusLearnsAndReportsEverySummaryKey()
    {
        var sink = new MemorySink();
        sink.Corpora["tiny"] = ("tiny", TinyCorpus());
        var config = new TextGanConfig
        {
            Corpus = "tiny", PretrainEpochs = 30, AdversarialEpochs = 2, Rollouts = 2, BatchSize = 32, LearningRate = 1e-2,
            Embedding = 16, Hidden = 32, Filters = 8, EvalSamples = 20, SampleEvery = 5,
        };
        var (context, _) = Run(config, sink);

        foreach (var key in SummaryKeys.Concat(["mle.bleu4", "mle.self_bleu4", "mle.test_nll"]))
            Assert.True(double.IsFinite(context.Summary[key]), key);
        // Every test sentence is one of 36 patterns seen in training: the MLE generator learns them well.
        Assert.True(context.Summary["mle.test_nll"] < 1.0, $"test NLL {context.Summary["mle.test_nll"]}");
        Assert.True(context.Summary["mle.bleu4"] > 0.5, $"BLEU-4 {context.Summary["mle.bleu4"]}");
        var nll = sink.Series("g/nll").Select(p => p.Value).ToList();
        Assert.True(nll[^1] < nll[0] / 2);
        Assert.NotEmpty(sink.Series("d/loss"));
        Assert.NotEmpty(sink.Series("g/reward"));
        Assert.Contains(sink.Events, e => e is TextSamples { Samples.Count: > 0 });

        var scores = JsonSerializer.Deserialize<TextGanScores>(sink.Artifacts[TextGanScores.Name].Content, VinulaJson.Options)!;
        Assert.Equal(2 * TextGanRun.SweepTemperatures.Length, scores.Scores.Count);
        var heatmap = JsonSerializer.Deserialize<RewardHeatmap>(sink.Artifacts[RewardHeatmap.Name].Content, VinulaJson.Options)!;
        Assert.NotEmpty(heatmap.Sentences);
        Assert.All(heatmap.Sentences, s => Assert.Equal(s.Tokens.Count, s.Rewards.Count));
    }

    [Fact]
    public void ATinyRunOnBrownReportsEverySummaryKey()
    {
        var config = new TextGanConfig
        {
            TrainSize = 200, BatchSize = 100, Epochs = 1, PretrainEpochs = 1, AdversarialEpochs = 1, Rollouts = 1, MaxLength = 8,
            VocabularySize = 200, Embedding = 8, Hidden = 16, Filters = 4, EvalSamples = 10,
        };
        var (context, sink) = Run(config, new MemorySink());
        foreach (var key in SummaryKeys) Assert.True(double.IsFinite(context.Summary[key]), key);
        Assert.InRange(context.Summary["bleu2"], 0, 1);
        Assert.Contains(sink.Events, e => e is TextSamples { Samples.Count: > 0 });
        Assert.Contains(sink.Artifacts.Values, a => a.Info.Group == TextSampleSet.Group);
    }
}
