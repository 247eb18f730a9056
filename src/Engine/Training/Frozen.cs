using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vinula.Engine.Training;

/// <summary>
/// A module's weights held fixed for a scope: <c>requires_grad</c> is false on entry and restored on dispose, even
/// when the step throws. A GAN's generator step runs through D with D frozen, so the step neither computes D's
/// gradients nor disturbs the ones D's own step left.
/// </summary>
public sealed class Frozen : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly bool[] _trainable;

    public Frozen(nn.Module module)
    {
        _parameters = [.. module.parameters()];
        _trainable = new bool[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            _trainable[i] = _parameters[i].requires_grad;
            _parameters[i].requires_grad = false;
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < _parameters.Length; i++)
            _parameters[i].requires_grad = _trainable[i];
    }
}
