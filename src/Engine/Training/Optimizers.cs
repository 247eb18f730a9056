using TorchSharp.Modules;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Training;

/// <summary>The one place a phase gets its optimiser: Adam (Kingma &amp; Ba 2015) at the run's learning rate.</summary>
public static class Optimizers
{
    /// <summary>β₁ = 0.5 for adversarial training, as Radford et al. 2016 (§4) recommend: 0.9 made training
    /// oscillate and less stable.</summary>
    public const double AdversarialBeta1 = 0.5;

    /// <summary>Adam over <paramref name="parameters"/> with the config's learning rate; β₁ = 0.9 (the paper's
    /// default) unless given, β₂ = 0.999, no weight decay.</summary>
    public static Adam Adam(IEnumerable<Parameter> parameters, ExperimentConfig config, double beta1 = 0.9) =>
        new(parameters, config.LearningRate, beta1);
}
