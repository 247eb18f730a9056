using System.Text.Json;
using Vinula.Engine.Models;
using Vinula.Engine.Training;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using static TorchSharp.torch;

namespace Vinula.Engine.Analysis;

/// <summary>Stores the test-set codes in two dimensions (<see cref="LatentCodes"/>): the code itself when it is
/// 2-D, otherwise its projection on the codes' own first two principal components.</summary>
public static class LatentScatter
{
    /// <summary>Projects (if needed) and stores the codes of the test digits.</summary>
    public static void Store(RunContext context, Tensor codes, int[] labels, long step)
    {
        using var scope = NewDisposeScope();
        var c = codes.detach().cpu().to(ScalarType.Float64);
        LatentCodes result;
        if (c.shape[1] <= 2)
        {
            var x = c[TensorIndex.Colon, 0].to(ScalarType.Float32).data<float>().ToArray();
            var y = c.shape[1] == 2 ? c[TensorIndex.Colon, 1].to(ScalarType.Float32).data<float>().ToArray() : new float[x.Length];
            result = new LatentCodes(x, y, labels, false, 1);
        }
        else
        {
            using var pca = Pca.Fit(c, 2);
            var projected = pca.Encode(c).to(ScalarType.Float32);
            result = new LatentCodes(projected[TensorIndex.Colon, 0].data<float>().ToArray(), projected[TensorIndex.Colon, 1].data<float>().ToArray(),
                labels, true, pca.Eigenvalues.Take(2).Sum() / pca.Eigenvalues.Sum());
        }
        context.Artifact(LatentCodes.ArtifactName, "application/json", step, LatentCodes.Group, JsonSerializer.SerializeToUtf8Bytes(result, VinulaJson.Options));
    }
}
