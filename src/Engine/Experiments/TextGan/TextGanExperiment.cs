using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using Vinula.Engine.Models;
using Vinula.Engine.Text;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments.TextGan;

public sealed class TextGanExperiment : ExperimentDefinition<TextGanConfig>
{
    public override string Kind => ExperimentKinds.TextGan;
    public override string Title => "Text GAN (SeqGAN)";

    public override string Description =>
        "An LSTM language model G is pretrained by maximum likelihood, a CNN discriminator D learns to tell real sentences " +
        "from G's, then G is trained as a policy by REINFORCE: ∇J = E[Σ_t ∇log G(y_t | y_<t) · (Q_t − b)], Q_t being D's mean " +
        "score of Monte Carlo completions of the prefix (SeqGAN, Yu et al. 2017). BLEU against the test sentences (quality) " +
        "and self-BLEU among samples (diversity) compare the MLE and adversarial generators.";

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("SeqGAN on Brown", "The defaults: words, 10,000 training sentences of at most 16 tokens, 3 MLE epochs, 3 × 20 D steps, 3 adversarial epochs of 12 REINFORCE steps with 2 rollouts; about 3–4 minutes on 2 cores.", new JsonObject()),
        new("Characters", "Character tokens, sentences cut to 48 characters, 1 rollout (rollouts cost grows with the square of the length).",
            new JsonObject { ["tokenizer"] = "char", ["maxLength"] = 48, ["vocabularySize"] = 100, ["rollouts"] = 1 }),
        new("No rollouts", "Every token rewarded with D's score of the whole sentence: much cheaper per step, noisier credit assignment; 40 steps an epoch.",
            new JsonObject { ["rollouts"] = 0, ["adversarialSteps"] = 40 }),
    ];

    protected override void Validate(TextGanConfig config, IRunLibrary library, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(config.Corpus))
            errors.Add("corpus", "corpus must be 'brown' or the id of an uploaded corpus.");
        else if (config.Corpus != TextGanConfig.Brown && !library.HasCorpus(config.Corpus))
            errors.Add("corpus", $"No uploaded corpus has the id '{config.Corpus}': choose 'brown' or upload one.");
        if (config.PretrainEpochs is { } pretrain) errors.Range("pretrainEpochs", pretrain, 1, CommonRules.MaxEpochs);
        if (config.AdversarialEpochs is { } adversarial) errors.Range("adversarialEpochs", adversarial, 1, CommonRules.MaxEpochs);
        errors.Range("discriminatorSteps", config.DiscriminatorSteps, 1, 100_000);
        errors.Range("adversarialSteps", config.AdversarialSteps, 1, 100_000);
        errors.Range("rollouts", config.Rollouts, 0, 64);
        errors.Positive("adversarialLearningRate", config.AdversarialLearningRate, 10);
        errors.Range("samplingTemperature", config.SamplingTemperature, 0.05, 5);
        errors.Range("maxLength", config.MaxLength, 2, 256);
        errors.Range("vocabularySize", config.VocabularySize, 10, 100_000);
        errors.Range("embedding", config.Embedding, 1, 1024);
        errors.Range("hidden", config.Hidden, 1, 2048);
        errors.Range("filters", config.Filters, 1, 1024);
        errors.Range("evalSamples", config.EvalSamples, 10, 5000);
        errors.Range("sampleEvery", config.SampleEvery, 1, 1_000_000);
        (long v, long e, long h, long f, long l) = (config.VocabularySize, config.Embedding, config.Hidden, config.Filters, config.MaxLength + 1);
        var parameters = 2 * v * e + 4 * h * (e + h + 2) + h * v + v + 14 * e * f + 2 * 16 * f * f;
        // Per sentence: embeddings, LSTM gates, logits and softmax at every position, and rollouts' copies.
        errors.Memory("vocabularySize", "text GAN", parameters, l * (e + 6 * h + 2 * v) * Math.Max(1, config.Rollouts), config.BatchSize);
    }

    /// <summary>The stored config says how many epochs each phase really trains.</summary>
    protected override void Resolve(TextGanConfig config, IRunLibrary library)
    {
        config.PretrainEpochs ??= config.Epochs;
        config.AdversarialEpochs ??= config.Epochs;
    }

    protected override string DefaultName(TextGanConfig config) =>
        $"SeqGAN {(config.Corpus == TextGanConfig.Brown ? "Brown" : "upload")} {config.Tokenizer.ToString().ToLowerInvariant()}, " +
        (config.Rollouts > 0 ? $"{config.Rollouts} rollouts" : "no rollouts");

    protected override IExperimentRun Create(TextGanConfig config, RunContext context) => new TextGanRun(config, context);
}

/// <summary>Three phases on shared models: MLE pretraining of G, D pretraining, adversarial training; then scores.</summary>
public sealed class TextGanRun : IExperimentRun
{
    public static readonly double[] SweepTemperatures = [0.7, 1.0, 1.3];
    private const int LiveSamples = 6;
    private const int HeatmapSentences = 8;

    private readonly List<TextGanScore> _scores = [];
    private double _mleNll = double.NaN, _adversarialNll = double.NaN;
    private LstmGenerator? _generator;
    private TextCnnDiscriminator? _discriminator;
    private readonly torch.Generator _previewRandom;

    public TextGanRun(TextGanConfig config, RunContext context)
    {
        Config = config;
        Context = context;
        Data = TextGanData.Load(config, context);
        var steps = Data.StepsPerEpoch(config.BatchSize);
        Plan =
        [
            new PhasePlan("mle", config.PretrainEpochs ?? config.Epochs, steps),
            new PhasePlan("dpre", config.Epochs, Math.Min(config.DiscriminatorSteps, steps)),
            new PhasePlan("adversarial", config.AdversarialEpochs ?? config.Epochs, Math.Min(config.AdversarialSteps, steps)),
        ];
        _previewRandom = Seeds.Generator(context.Device, config.Seed, Seeds.Of("preview"));
        context.Log($"{Data.Corpus.Name}: {Data.TrainCount:N0} training sentences used (of {Data.Corpus.Train.Count:N0}), " +
                    $"{Data.Corpus.Validation.Count:N0} validation, {Data.Corpus.Test.Count:N0} test; vocabulary {Data.Vocabulary.Size:N0} tokens.");
    }

    public TextGanConfig Config { get; }
    public RunContext Context { get; }
    public TextGanData Data { get; }
    public IReadOnlyList<PhasePlan> Plan { get; }
    public LstmGenerator Generator => _generator ?? throw new InvalidOperationException("No phase has started.");
    public TextCnnDiscriminator Discriminator => _discriminator ?? throw new InvalidOperationException("No phase has started.");

    public TrainingPhase StartPhase(PhasePlan plan, RunContext context)
    {
        if (_generator is null)
        {
            using (var random = Seeds.Generator(Config.Seed, Seeds.Of("generator")))
                _generator = new LstmGenerator(Data.Vocabulary.Size, Config.Embedding, Config.Hidden).InitialiseText(random);
            using (var random = Seeds.Generator(Config.Seed, Seeds.Of("discriminator")))
                _discriminator = new TextCnnDiscriminator(Data.Vocabulary.Size, Config.Embedding, Config.Filters).InitialiseText(random);
            if (context.Device.type != DeviceType.CPU)
            {
                _generator = _generator.to(context.Device);
                _discriminator = _discriminator!.to(context.Device);
            }
        }
        var firstStep = Plan.TakeWhile(p => p != plan).Sum(p => p.TotalSteps);
        return plan.Role switch
        {
            "mle" => new MlePhase(plan, this, firstStep),
            "dpre" => new DiscriminatorPhase(plan, this, firstStep),
            _ => new AdversarialPhase(plan, this, firstStep),
        };
    }

    /// <summary>A few samples at the sampling temperature, live; with <paramref name="store"/> also as an artifact.</summary>
    public void PublishSamples(string phase, long globalStep, bool store)
    {
        using var scope = NewDisposeScope();
        var samples = Sample(LiveSamples, Config.SamplingTemperature, _previewRandom)
            .Select(Data.Vocabulary.Join).ToArray();
        Context.TextSamples(globalStep, samples);
        if (store)
            Context.Artifact($"text-samples-s{globalStep:D7}.json", "application/json", globalStep, TextSampleSet.Group,
                JsonSerializer.SerializeToUtf8Bytes(new TextSampleSet(phase, samples), VinulaJson.Options));
    }

    private List<string[]> Sample(int count, double temperature, torch.Generator random)
    {
        using var _ = no_grad();
        Generator.eval();
        var tokens = Sequences.Sample(Generator, count, Data.Length, temperature, random, Context.Device);
        Generator.train();
        return Sequences.Decode(tokens, Data.Vocabulary);
    }

    /// <summary>BLEU-2/3/4 against the test sentences and self-BLEU-4, at the sweep's temperatures and the run's own.</summary>
    private IEnumerable<TextGanScore> Score(string generator)
    {
        var references = new Bleu.References(Data.TestSentences, 4);
        foreach (var temperature in SweepTemperatures.Append(Config.SamplingTemperature).Distinct().Order())
        {
            using var scope = NewDisposeScope();
            // The same draws for both generators: one stream per temperature, from the run's seed.
            using var random = Seeds.Generator(Context.Device, Config.Seed, Seeds.Of("score"), (long)Math.Round(temperature * 1000));
            var samples = Sample(Config.EvalSamples, temperature, random).Where(s => s.Length > 0).Select(s => (IReadOnlyList<string>)s).ToList();
            yield return new TextGanScore(generator, temperature, Bleu.Corpus(samples, references, 2), Bleu.Corpus(samples, references, 3),
                Bleu.Corpus(samples, references, 4), Bleu.SelfBleu(samples, 4));
        }
    }

    public void ScoreMle(long globalStep)
    {
        _scores.RemoveAll(s => s.Generator == TextGanScores.Mle);
        _scores.AddRange(Score(TextGanScores.Mle));
        _mleNll = Sequences.SplitNll(Generator, Data.TestInput, Data.TestTarget);
        var own = _scores.First(s => s.Generator == TextGanScores.Mle && s.Temperature == Config.SamplingTemperature);
        var summary = Context.Summary;
        (summary["mle.bleu2"], summary["mle.bleu3"], summary["mle.bleu4"], summary["mle.self_bleu4"], summary["mle.test_nll"]) =
            (own.Bleu2, own.Bleu3, own.Bleu4, own.SelfBleu4, _mleNll);
        Context.Log($"MLE generator: test NLL {_mleNll:0.000} nats/token, BLEU-2/3/4 {own.Bleu2:0.000}/{own.Bleu3:0.000}/{own.Bleu4:0.000}, self-BLEU-4 {own.SelfBleu4:0.000}.");
    }

    public void ScoreAdversarial(long globalStep)
    {
        _scores.RemoveAll(s => s.Generator == TextGanScores.Adversarial);
        _scores.AddRange(Score(TextGanScores.Adversarial));
        _adversarialNll = Sequences.SplitNll(Generator, Data.TestInput, Data.TestTarget);
        var own = _scores.First(s => s.Generator == TextGanScores.Adversarial && s.Temperature == Config.SamplingTemperature);
        var summary = Context.Summary;
        (summary["bleu2"], summary["bleu3"], summary["bleu4"], summary["self_bleu4"], summary["test.nll"]) =
            (own.Bleu2, own.Bleu3, own.Bleu4, own.SelfBleu4, _adversarialNll);
        summary["g.params"] = Generator.ParameterCount();
        summary["d.params"] = Discriminator.ParameterCount();
        Context.Log($"Adversarial generator: test NLL {_adversarialNll:0.000} nats/token, BLEU-2/3/4 {own.Bleu2:0.000}/{own.Bleu3:0.000}/{own.Bleu4:0.000}, self-BLEU-4 {own.SelfBleu4:0.000}.");
        StoreHeatmap(globalStep);
    }

    /// <summary>A few samples of the final G with each token's Q_t (rollouts as configured; 8 when the run used none).</summary>
    private void StoreHeatmap(long globalStep)
    {
        using var scope = NewDisposeScope();
        using var random = Seeds.Generator(Context.Device, Config.Seed, Seeds.Of("heatmap"));
        var rollouts = Config.Rollouts > 0 ? Config.Rollouts : 8;
        Generator.eval();
        Discriminator.eval();
        var tokens = Sequences.Sample(Generator, HeatmapSentences, Data.Length, Config.SamplingTemperature, random, Context.Device);
        var rewards = Sequences.Rewards(Generator, Discriminator, tokens, rollouts, random).ToFloats();
        var sentences = Sequences.Decode(tokens, Data.Vocabulary);
        var rows = sentences.Select((s, i) => new RewardedSentence(s, [.. Enumerable.Range(0, s.Length).Select(t => (double)rewards[i * Data.Length + t])])).ToList();
        Context.Artifact(RewardHeatmap.Name, "application/json", globalStep, null,
            JsonSerializer.SerializeToUtf8Bytes(new RewardHeatmap(rollouts, rows), VinulaJson.Options));
    }

    public void Complete(RunContext context)
    {
        var scores = new TextGanScores(Config.SamplingTemperature, _mleNll, _adversarialNll, _scores);
        context.Artifact(TextGanScores.Name, "application/json", 0, null, JsonSerializer.SerializeToUtf8Bytes(scores, VinulaJson.Options));
        var s = context.Summary;
        context.Log(string.Create(CultureInfo.InvariantCulture,
            $"done: BLEU-4 {s.GetValueOrDefault("mle.bleu4"):0.000} (MLE) → {s.GetValueOrDefault("bleu4"):0.000} (adversarial), self-BLEU-4 {s.GetValueOrDefault("mle.self_bleu4"):0.000} → {s.GetValueOrDefault("self_bleu4"):0.000}."));
    }

    public void Dispose()
    {
        _generator?.Dispose();
        _discriminator?.Dispose();
        _previewRandom.Dispose();
        Data.Dispose();
    }
}
