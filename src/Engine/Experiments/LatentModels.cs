using TorchSharp;
using Vinula.Engine.Data;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared.Experiments;
using static TorchSharp.torch;

namespace Vinula.Engine.Experiments;

/// <summary>
/// A kind whose trained model maps digits to codes and back (PCA, autoencoders, VAEs). Training and analysis
/// build the network with the same factory, so the homotopy and style-transfer panels need no switch over kinds.
/// </summary>
public interface ILatentModelKind
{
    /// <summary>The model a finished run trained, in eval mode on the CPU. <paramref name="checkpoint"/> returns one
    /// of the run's stored checkpoints by name (<see cref="Checkpoint.NameFor"/>; null when there is none);
    /// <paramref name="mnist"/> is for models that are refitted rather than stored (PCA).</summary>
    LatentModel Load(ExperimentConfig config, Func<string, byte[]?> checkpoint, MnistData mnist);
}

/// <summary>An encoder and decoder for analysis. Call inside a dispose scope; tensors are the caller's.</summary>
public abstract class LatentModel : IDisposable
{
    /// <summary>Labels the model is conditioned on (10 for a cVAE), 0 when it is not.</summary>
    public virtual int Conditions => 0;

    /// <summary>The code of each image (a VAE's posterior mean μ); <paramref name="condition"/> one-hot labels.</summary>
    public abstract Tensor Encode(Tensor images, Tensor? condition = null);

    /// <summary>Images in [0, 1], float32, [n, 784].</summary>
    public abstract Tensor Decode(Tensor codes, Tensor? condition = null);

    public abstract void Dispose();

    /// <summary>The model part of a phase checkpoint (header, then the model, then the optimiser).</summary>
    public static T ReadWeights<T>(T model, byte[]? checkpoint) where T : nn.Module
    {
        if (checkpoint is null)
        {
            model.Dispose();
            throw new InvalidOperationException("The run has no stored model (it stopped before its first epoch ended).");
        }
        using var reader = new BinaryReader(new MemoryStream(checkpoint));
        Checkpoint.ReadHeader(reader);
        model.load(reader);
        model.eval();
        return model;
    }
}

/// <summary>A dense or conv autoencoder.</summary>
public sealed class AutoencoderLatentModel(nn.Module<Tensor, Tensor> model) : LatentModel
{
    private readonly IAutoencoder _autoencoder = (IAutoencoder)model;

    public override Tensor Encode(Tensor images, Tensor? condition = null) => _autoencoder.Encode(images);
    public override Tensor Decode(Tensor codes, Tensor? condition = null) => _autoencoder.Decode(codes);
    public override void Dispose() => model.Dispose();
}

/// <summary>PCA: codes in float64, as fitted.</summary>
public sealed class PcaLatentModel(Pca pca) : LatentModel
{
    public override Tensor Encode(Tensor images, Tensor? condition = null) => pca.Encode(images);
    public override Tensor Decode(Tensor codes, Tensor? condition = null) => pca.Decode(codes.to(ScalarType.Float64));
    public override void Dispose() => pca.Dispose();
}

/// <summary>A VAE (or a cVAE, or a VAE/GAN's encoder and decoder): codes are the posterior means μ.</summary>
public sealed class VaeLatentModel(Models.Vae model) : LatentModel
{
    public override int Conditions => model.Conditions;
    public override Tensor Encode(Tensor images, Tensor? condition = null) => model.Encode(images, condition).Mu;
    public override Tensor Decode(Tensor codes, Tensor? condition = null) => model.Decode(codes, condition);
    public override void Dispose() => model.Dispose();
}
