namespace Vinula.Shared.Artifacts;

/// <summary>BLEU against the test sentences and self-BLEU among the samples, for one generator at one temperature.</summary>
public sealed record TextGanScore(string Generator, double Temperature, double Bleu2, double Bleu3, double Bleu4, double SelfBleu4);

/// <summary>
/// <c>text-gan-scores.json</c>: the MLE-only generator (after pretraining) and the adversarial one, each at the run's
/// sampling temperature and at a few others (the quality–diversity sweep); plus their test NLL (nats per token).
/// </summary>
public sealed record TextGanScores(double SamplingTemperature, double MleTestNll, double AdversarialTestNll, IReadOnlyList<TextGanScore> Scores)
{
    public const string Name = "text-gan-scores.json";
    public const string Mle = "mle";
    public const string Adversarial = "adversarial";
}

/// <summary>One generated sentence and the reward of each of its tokens (Q_t: D's mean score of the rollouts that
/// complete the prefix ending at that token).</summary>
public sealed record RewardedSentence(IReadOnlyList<string> Tokens, IReadOnlyList<double> Rewards);

/// <summary><c>reward-heatmap.json</c>: a few samples of the final generator with per-token rewards.</summary>
public sealed record RewardHeatmap(int Rollouts, IReadOnlyList<RewardedSentence> Sentences)
{
    public const string Name = "reward-heatmap.json";
}

/// <summary>The latest decoded samples (<c>text-samples-eNNN.json</c> in the <see cref="Group"/> group), kept so a
/// finished run still shows them (live samples arrive as <c>TextSamples</c> events).</summary>
public sealed record TextSampleSet(string Phase, IReadOnlyList<string> Samples)
{
    public const string Group = "text-samples";
}
