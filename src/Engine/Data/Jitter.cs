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
    public static Tensor Shift(Tensor flatImages, int side, int maxShift, torch.Generator random)
    {
        if (maxShift <= 0) return flatImages;
        var batch = flatImages.shape[0];
        var images = flatImages.view(batch, 1, side, side);
        // Integer shifts in pixels → normalised coordinates (the grid spans 2 units over `side` pixels).
        var shifts = randint(-maxShift, maxShift + 1, [batch, 2], device: flatImages.device, generator: random).to(ScalarType.Float32) * (2.0f / side);
        var theta = zeros([batch, 2, 3], device: flatImages.device);
        theta[TensorIndex.Colon, 0, 0] = tensor(1f);
        theta[TensorIndex.Colon, 1, 1] = tensor(1f);
        theta[TensorIndex.Colon, TensorIndex.Colon, 2] = shifts;
        var grid = F.affine_grid(theta, [batch, 1, side, side], align_corners: false);
        return F.grid_sample(images, grid, mode: GridSampleMode.Nearest, padding_mode: GridSamplePaddingMode.Zeros, align_corners: false)
            .view(batch, side * side);
    }
}
