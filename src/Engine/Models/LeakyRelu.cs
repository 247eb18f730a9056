using TorchSharp;
using static TorchSharp.torch;

namespace Vinula.Engine.Models;

/// <summary>
/// LeakyReLU whose slope is one <see cref="Scalar"/> the module holds. TorchSharp's own (0.107) makes a new Scalar from
/// a double on every call and leaves it to the finalizer; once its handle is read the Scalar is garbage, and a
/// collection during the native call can free it while libtorch reads it (seen once in CI: "Expected false to be true"
/// from <c>Scalar::toFloat</c> inside <c>leaky_relu</c>; dotnet/TorchSharp#1434 and #1496 are about these implicit
/// Scalars). Same function: max(0, x) + slope·min(0, x).
/// </summary>
public sealed class LeakyRelu(double slope) : nn.Module<Tensor, Tensor>(nameof(LeakyRelu))
{
    private readonly Scalar _slope = slope.ToScalar();

    public double Slope => slope;

    public override Tensor forward(Tensor input)
    {
        var output = input.leaky_relu(_slope);
        GC.KeepAlive(_slope);
        return output;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _slope.Dispose();
        base.Dispose(disposing);
    }
}
