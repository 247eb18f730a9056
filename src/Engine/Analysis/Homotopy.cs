using System.Text.Json;
using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Imaging;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Analysis;

/// <summary>
/// Interpolation between two test digits a and b in ten steps, t = 0, 1/9, …, 1: in pixel space,
/// (1 − t)·x_a + t·x_b (a cross-fade), and in latent space, decode((1 − t)·z_a + t·z_b). A good code turns one digit
/// into the other through plausible digits; pixels only fade.
/// </summary>
public static class Homotopy
{
    public const int Steps = 10;

    /// <summary>Two strips (pixels above, latent below) as one PNG, from a finished autoencoder, VAE or cVAE run.</summary>
    public static byte[] Render(string kind, JsonElement config, byte[]? checkpoint, MnistData mnist, int rowA, int rowB)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var a = mnist.Test[rowA];
        var b = mnist.Test[rowB];
        var x = tensor(mnist.Gather([a, b]), [2, MnistData.Pixels]);
        var t = linspace(0, 1, Steps).unsqueeze(1);
        var pixels = x[0] * (1 - t) + x[1] * t;
        var latent = LatentPath(kind, config, checkpoint, mnist, x, t, [mnist.Labels[a], mnist.Labels[b]]);
        return Png.Grid(cat([pixels, latent], 0).ToFloats(), 2 * Steps, Steps, MnistData.Side, MnistData.Side, scale: 2);
    }

    private static Tensor LatentPath(string kind, JsonElement config, byte[]? checkpoint, MnistData mnist, Tensor x, Tensor t, byte[] labels)
    {
        switch (kind)
        {
            case ExperimentKinds.Autoencoder:
            {
                var c = config.Deserialize<AutoencoderConfig>(VinulaJson.Options)!;
                if (c.Model == AutoencoderModel.Pca)
                {
                    // PCA has no checkpoint: refit on the same training digits (deterministic, a second or so).
                    var rows = c.TrainSize is { } size ? Subsets.Stratified(mnist.Train, mnist.Labels, size, c.Seed) : mnist.Train;
                    using var pca = Pca.Fit(tensor(mnist.Gather(rows), [rows.Length, MnistData.Pixels]), c.LatentDim);
                    var codes = pca.Encode(x);
                    return pca.Decode(codes[0] * (1 - t.to(ScalarType.Float64)) + codes[1] * t.to(ScalarType.Float64));
                }
                using nn.Module<Tensor, Tensor> model = c.Model == AutoencoderModel.Conv
                    ? new ConvAutoencoder(MnistData.Side, c.Channels, c.LatentDim / AutoencoderConfig.ConvMapSize)
                    : new DenseAutoencoder(MnistData.Pixels, c.Hidden, c.LatentDim);
                Load(model, checkpoint);
                var ae = (IAutoencoder)model;
                var z = ae.Encode(x);
                return ae.Decode(z[0] * (1 - t) + z[1] * t);
            }
            case ExperimentKinds.Vae or ExperimentKinds.Cvae or ExperimentKinds.VaeGan:
            {
                var c = config.Deserialize<VaeConfig>(VinulaJson.Options)!;
                var conditional = kind == ExperimentKinds.Cvae;
                using var model = new Models.Vae(MnistData.Pixels, c.Hidden, c.LatentDim, conditional ? MnistData.Classes : 0);
                Load(model, checkpoint);
                Tensor? y = conditional ? nn.functional.one_hot(tensor(labels.Select(l => (long)l).ToArray()), MnistData.Classes).to(ScalarType.Float32) : null;
                var (mu, _) = model.Encode(x, y);
                // A cVAE's condition moves along the path too (a mix of the two one-hot labels), with the style.
                var path = mu[0] * (1 - t) + mu[1] * t;
                return model.Decode(path, y is null ? null : y[0] * (1 - t) + y[1] * t);
            }
            default:
                throw new NotSupportedException($"A {kind} run has no encoder to interpolate with.");
        }
    }

    /// <summary>The model part of a phase checkpoint (header, then the model, then the optimiser).</summary>
    private static void Load(nn.Module model, byte[]? checkpoint)
    {
        if (checkpoint is null) throw new InvalidOperationException("The run has no stored model (it stopped before its first epoch ended).");
        using var reader = new BinaryReader(new MemoryStream(checkpoint));
        Checkpoint.ReadHeader(reader);
        model.load(reader);
        model.eval();
    }
}

/// <summary>The cVAE's seed-label grid for any test digit: encoded with its own label, decoded with every label.</summary>
public static class StyleTransfer
{
    /// <summary>One strip: the digit itself, then its style drawn as 0, 1, …, 9.</summary>
    public static byte[] Render(JsonElement config, byte[]? checkpoint, MnistData mnist, int row)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var c = config.Deserialize<VaeConfig>(VinulaJson.Options)!;
        using var model = new Models.Vae(MnistData.Pixels, c.Hidden, c.LatentDim, MnistData.Classes);
        if (checkpoint is null) throw new InvalidOperationException("The run has no stored model (it stopped before its first epoch ended).");
        using (var reader = new BinaryReader(new MemoryStream(checkpoint)))
        {
            Checkpoint.ReadHeader(reader);
            model.load(reader);
        }
        model.eval();
        var index = mnist.Test[row];
        var x = tensor(mnist.Gather([index]), [1, MnistData.Pixels]);
        var own = nn.functional.one_hot(tensor(new long[] { mnist.Labels[index] }), MnistData.Classes).to(ScalarType.Float32);
        var (mu, _) = model.Encode(x, own);
        var labels = nn.functional.one_hot(arange(MnistData.Classes, dtype: ScalarType.Int64), MnistData.Classes).to(ScalarType.Float32);
        var images = model.Decode(mu.expand(MnistData.Classes, -1), labels);
        return Png.Grid(cat([x, images], 0).ToFloats(), MnistData.Classes + 1, MnistData.Classes + 1, MnistData.Side, MnistData.Side, scale: 2);
    }
}
