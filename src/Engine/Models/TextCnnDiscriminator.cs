using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vinula.Engine.Models;

/// <summary>
/// A sentence classifier after Kim 2014 (the discriminator of SeqGAN, Yu et al. 2017, §4): token embeddings,
/// 1-d convolutions of widths 2–5 with ReLU, max over time, concatenated, a highway layer, then one logit
/// (real vs generated). Input: token ids [B, L], padded with 0.
/// Each convolution is written as a linear map over unfolded windows (the same function and parameter count): with
/// libtorch's conv1d the embeddings' gradient turned NaN at random on this machine.
/// </summary>
public sealed class TextCnnDiscriminator : nn.Module<Tensor, Tensor>
{
    public static readonly int[] Widths = [2, 3, 4, 5];

    private readonly Embedding embedding;
    private readonly ModuleList<Linear> convolutions;
    private readonly Linear highway;
    private readonly Linear gate;
    private readonly Linear output;

    public TextCnnDiscriminator(int vocabulary, int embeddingSize, int filters) : base(nameof(TextCnnDiscriminator))
    {
        embedding = nn.Embedding(vocabulary, embeddingSize);
        convolutions = nn.ModuleList(Widths.Select(w => nn.Linear(embeddingSize * w, filters)).ToArray());
        var features = filters * Widths.Length;
        highway = nn.Linear(features, features);
        gate = nn.Linear(features, features);
        output = nn.Linear(features, 1);
        RegisterComponents();
    }

    /// <summary>Token ids [B, L] → logits [B] (positive: looks real).</summary>
    public override Tensor forward(Tensor input)
    {
        var x = embedding.forward(input); // [B, L, E]
        var features = cat(convolutions.Select((c, i) => Convolve(x, c, Widths[i])).ToArray(), 1);
        // Highway (Srivastava et al. 2015), as in SeqGAN's discriminator: t·relu(W x) + (1 − t)·x.
        var t = nn.functional.sigmoid(gate.forward(features));
        var mixed = t * nn.functional.relu(highway.forward(features)) + (1 - t) * features;
        return output.forward(mixed).squeeze(1);
    }

    /// <summary>Zero-pad by width − 1 on both ends, take every window of <paramref name="width"/> tokens, map each
    /// to the filters, ReLU, and keep each filter's maximum over the windows.</summary>
    private static Tensor Convolve(Tensor x, Linear filters, int width)
    {
        var padded = nn.functional.pad(x, [0, 0, width - 1, width - 1]); // [B, L + 2(w − 1), E]
        var windows = padded.unfold(1, width, 1); // [B, T, E, w]
        var flat = windows.transpose(2, 3).reshape(windows.shape[0], windows.shape[1], -1); // [B, T, w·E]
        return nn.functional.relu(filters.forward(flat)).amax([1]);
    }
}
