namespace Vinula.Shared.Runs;

/// <summary>Body of <c>GET /api/runs/{id}/export</c>: every download the run offers, each with its URL.</summary>
/// <param name="Zip">All of them in one archive.</param>
public sealed record ExportIndex(
    string RunId,
    string Name,
    string Kind,
    IReadOnlyList<ExportLink> Files,
    IReadOnlyList<WeightsExport> Weights,
    IReadOnlyList<ExportLink> Images,
    ExportLink Zip);

/// <summary>One download: the file name it is saved under, where to get it, and what it holds.</summary>
public sealed record ExportLink(string FileName, string Url, string ContentType, string Description);

/// <summary>The weights of one model role (<c>teacher</c>, <c>student</c>, <c>baseline</c>, <c>vae</c>, …) as of its
/// last checkpoint: TorchSharp's <c>Module.save</c> format and PyTorch-loadable safetensors. <c>Elements</c> counts the
/// numbers in its state dict (parameters and buffers such as batch-norm statistics).</summary>
public sealed record WeightsExport(
    string Role,
    int EpochsDone,
    long GlobalStep,
    long Elements,
    IReadOnlyList<WeightsTensorInfo> Tensors,
    ExportLink TorchSharp,
    ExportLink Safetensors);

/// <summary>A state-dict entry: its key, safetensors dtype and shape.</summary>
public sealed record WeightsTensorInfo(string Name, string Dtype, IReadOnlyList<long> Shape);
