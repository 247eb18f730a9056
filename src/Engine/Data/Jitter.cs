using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vinula.Engine.Data;

/// <summary>
/// Shifts each image of a batch by a random whole number of pixels, up to <c>maxShift</c> in each direction
/// (Hinton et al. 2015, §3: the MNIST teacher saw inputs "jittered by up to two pixels in any direction").
/// One affine grid sample for the whole batch; pixels shifted in from outside are 0 (background). The shifts come
/// from <c>random</c>, the run's generator (on the images' device).
/// </summary>
public static class Jitter
{
    public static Tensor Shift(Tensor flatImages, int side, int maxShift, torch.Generator random) =>
        maxShift <= 0 ? flatImages : Apply(flatImages, side, Draw(flatImages.shape[0], maxShift, flatImages.device, random));

    /// <summary>Each image's shift in whole pixels, [batch, 2] (x, y), each in −maxShift…maxShift.</summary>
    public static Tensor Draw(long batch, int maxShift, Device device, torch.Generator random) =>
        randint(-maxShift, maxShift + 1, [batch, 2], device: device, generator: random);

    /// <summary>The images moved by <paramref name="shifts"/> (from <see cref="Draw"/>).</summary>
    public static Tensor Apply(Tensor flatImages, int side, Tensor shifts)
    {
        var batch = flatImages.shape[0];
        var images = flatImages.view(batch, 1, side, side);
        // Integer shifts in pixels → normalised coordinates (the grid spans 2 units over `side` pixels).
        var offsets = shifts.to(ScalarType.Float32) * (2.0f / side);
        var theta = zeros([batch, 2, 3], device: flatImages.device);
        theta[TensorIndex.Colon, 0, 0] = tensor(1f);
        theta[TensorIndex.Colon, 1, 1] = tensor(1f);
        theta[TensorIndex.Colon, TensorIndex.Colon, 2] = offsets;
        var grid = F.affine_grid(theta, [batch, 1, side, side], align_corners: false);
        return F.grid_sample(images, grid, mode: GridSampleMode.Nearest, padding_mode: GridSamplePaddingMode.Zeros, align_corners: false)
            .view(batch, side * side);
    }

    /// <summary>How many different shifts an image can get: (2·maxShift + 1)².</summary>
    public static int Count(int maxShift) => (2 * Math.Max(0, maxShift) + 1) * (2 * Math.Max(0, maxShift) + 1);

    /// <summary>Each shift as one number in 0…<see cref="Count"/> − 1 (0 for no jitter).</summary>
    public static Tensor Codes(Tensor? shifts, int maxShift, long batch, Device device)
    {
        if (shifts is null || maxShift <= 0) return zeros([batch], ScalarType.Int64, device);
        var width = 2 * maxShift + 1;
        return (shifts[TensorIndex.Colon, 0] + maxShift) * width + (shifts[TensorIndex.Colon, 1] + maxShift);
    }
}
