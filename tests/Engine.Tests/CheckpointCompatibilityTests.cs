using Vinula.Engine.Models;
using static TorchSharp.torch;

namespace Vinula.Engine.Tests;

/// <summary>
/// A checkpoint is the model's state dict by name and shape (Module.save/load, strict). These are the names and
/// shapes the models had before the shared dense-stack builder and the seeded dropout (commit 235d4e6): any
/// checkpoint stored by a run of that code loads into the models of this one exactly when they still match.
/// </summary>
public class CheckpointCompatibilityTests
{
    public CheckpointCompatibilityTests() => TestData.InitTorch();

    private static readonly string[] KeysBeforeTheSharedBuilders =
    [
        "mlp layers.fc0.weight [64,784]",
        "mlp layers.fc0.bias [64]",
        "mlp layers.fc1.weight [32,64]",
        "mlp layers.fc1.bias [32]",
        "mlp layers.out.weight [10,32]",
        "mlp layers.out.bias [10]",
        "mlp0 layers.out.weight [10,784]",
        "mlp0 layers.out.bias [10]",
        "cnn features.conv0.weight [4,1,5,5]",
        "cnn features.conv0.bias [4]",
        "cnn features.conv1.weight [8,4,5,5]",
        "cnn features.conv1.bias [8]",
        "cnn classifier.fc0.weight [32,392]",
        "cnn classifier.fc0.bias [32]",
        "cnn classifier.fc1.weight [16,32]",
        "cnn classifier.fc1.bias [16]",
        "cnn classifier.out.weight [10,16]",
        "cnn classifier.out.bias [10]",
        "dae encoder.fc0.weight [64,784]",
        "dae encoder.fc0.bias [64]",
        "dae encoder.fc1.weight [32,64]",
        "dae encoder.fc1.bias [32]",
        "dae encoder.code.weight [8,32]",
        "dae encoder.code.bias [8]",
        "dae decoder.fc1.weight [32,8]",
        "dae decoder.fc1.bias [32]",
        "dae decoder.fc0.weight [64,32]",
        "dae decoder.fc0.bias [64]",
        "dae decoder.out.weight [784,64]",
        "dae decoder.out.bias [784]",
        "cae encoder.conv0.weight [8,1,3,3]",
        "cae encoder.conv0.bias [8]",
        "cae encoder.conv1.weight [2,8,3,3]",
        "cae encoder.conv1.bias [2]",
        "cae decoder.deconv0.weight [2,8,4,4]",
        "cae decoder.deconv0.bias [8]",
        "cae decoder.deconv1.weight [8,1,4,4]",
        "cae decoder.deconv1.bias [1]",
        "disc body.fc0.weight [64,794]",
        "disc body.fc0.bias [64]",
        "disc body.fc1.weight [32,64]",
        "disc body.fc1.bias [32]",
        "disc output.weight [1,32]",
        "disc output.bias [1]",
        "gen layers.fc0.weight [32,18]",
        "gen layers.fc0.bias [32]",
        "gen layers.bn0.weight [32]",
        "gen layers.bn0.bias [32]",
        "gen layers.fc1.weight [64,32]",
        "gen layers.fc1.bias [64]",
        "gen layers.bn1.weight [64]",
        "gen layers.bn1.bias [64]",
        "gen layers.out.weight [784,64]",
        "gen layers.out.bias [784]",
        "gen layers.bn0.running_mean [32]",
        "gen layers.bn0.running_var [32]",
        "gen layers.bn0.num_batches_tracked []",
        "gen layers.bn1.running_mean [64]",
        "gen layers.bn1.running_var [64]",
        "gen layers.bn1.num_batches_tracked []",
        "vae encoder.fc0.weight [64,794]",
        "vae encoder.fc0.bias [64]",
        "vae encoder.fc1.weight [32,64]",
        "vae encoder.fc1.bias [32]",
        "vae mu.weight [4,32]",
        "vae mu.bias [4]",
        "vae logVar.weight [4,32]",
        "vae logVar.bias [4]",
        "vae decoder.fc1.weight [32,14]",
        "vae decoder.fc1.bias [32]",
        "vae decoder.fc0.weight [64,32]",
        "vae decoder.fc0.bias [64]",
        "vae decoder.out.weight [784,64]",
        "vae decoder.out.bias [784]",
        "cgen project.weight [3136,18]",
        "cgen project.bias [3136]",
        "cgen upsample.bn0.weight [64]",
        "cgen upsample.bn0.bias [64]",
        "cgen upsample.deconv0.weight [64,32,4,4]",
        "cgen upsample.deconv0.bias [32]",
        "cgen upsample.bn1.weight [32]",
        "cgen upsample.bn1.bias [32]",
        "cgen upsample.deconv1.weight [32,1,4,4]",
        "cgen upsample.deconv1.bias [1]",
        "cgen upsample.bn0.running_mean [64]",
        "cgen upsample.bn0.running_var [64]",
        "cgen upsample.bn0.num_batches_tracked []",
        "cgen upsample.bn1.running_mean [32]",
        "cgen upsample.bn1.running_var [32]",
        "cgen upsample.bn1.num_batches_tracked []",
        "cdisc features.conv0.weight [32,1,4,4]",
        "cdisc features.conv0.bias [32]",
        "cdisc features.conv1.weight [64,32,4,4]",
        "cdisc features.conv1.bias [64]",
        "cdisc output.weight [1,3146]",
        "cdisc output.bias [1]",
    ];

    [Fact]
    public void EveryModelKeepsTheCheckpointKeysAndShapesOfEarlierVersions()
    {
        var models = new (string Name, nn.Module Model)[]
        {
            ("mlp", new Mlp(784, [64, 32], 10, 0.2)), ("mlp0", new Mlp(784, [], 10)),
            ("cnn", new Cnn(28, [4, 8], [32, 16], 10, 0.3)), ("dae", new DenseAutoencoder(784, [64, 32], 8)),
            ("cae", new ConvAutoencoder(28, 8, 2)), ("disc", new Discriminator(784, [64, 32], 10)),
            ("gen", new Models.Generator(8, [32, 64], 784, 10)), ("vae", new Models.Vae(784, [64, 32], 4, 10)),
            ("cgen", new ConvGenerator(8, 10)), ("cdisc", new ConvDiscriminator(28, 10)),
        };
        try
        {
            var keys = models.SelectMany(m => m.Model.state_dict().Select(kv => $"{m.Name} {kv.Key} [{string.Join(',', kv.Value.shape)}]"));
            Assert.Equal(KeysBeforeTheSharedBuilders, keys);
        }
        finally
        {
            foreach (var (_, model) in models) model.Dispose();
        }
    }

    [Fact]
    public void AStoredStateLoadsStrictlyIntoAFreshModel()
    {
        using var stored = new Mlp(784, [64, 32], 10, 0.2);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            stored.save(writer);
        stream.Position = 0;
        using var fresh = new Mlp(784, [64, 32], 10, 0.2);
        using (var reader = new BinaryReader(stream))
            fresh.load(reader, strict: true);
        Assert.All(stored.parameters().Zip(fresh.parameters()), p => Assert.True(p.First.equal(p.Second).all().item<bool>()));
    }
}
