using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vinula.Engine.Models;

/// <summary>
/// A token-level language model: embedding → one LSTM layer → linear to the vocabulary's logits. <see cref="forward"/>
/// takes whole sequences (teacher forcing); <see cref="Step"/> one token per sequence with the carried state, for
/// sampling and rollouts.
/// </summary>
public sealed class LstmGenerator : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly LSTM lstm;
    private readonly Linear output;

    public LstmGenerator(int vocabulary, int embeddingSize, int hidden) : base(nameof(LstmGenerator))
    {
        embedding = nn.Embedding(vocabulary, embeddingSize);
        lstm = nn.LSTM(embeddingSize, hidden, batchFirst: true);
        output = nn.Linear(hidden, vocabulary);
        RegisterComponents();
    }

    /// <summary>Token ids [B, T] → logits [B, T, V] for the next token at every position.</summary>
    public override Tensor forward(Tensor input)
    {
        var (sequence, _, _) = lstm.forward(embedding.forward(input));
        return output.forward(sequence);
    }

    /// <summary>One token per sequence [B] and the state so far (null at the start) → logits [B, V] and the new state.</summary>
    public (Tensor Logits, (Tensor H, Tensor C) State) Step(Tensor token, (Tensor H, Tensor C)? state)
    {
        var (sequence, h, c) = lstm.forward(embedding.forward(token.unsqueeze(1)), state);
        return (output.forward(sequence.squeeze(1)), (h, c));
    }
}
