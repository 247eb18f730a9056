using Microsoft.AspNetCore.Components;
using Vinula.Runs.Storage;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Compare;

/// <summary>The runs' grids of one artifact group (samples, reconstructions, manifold…) at one epoch, side by side.</summary>
public partial class CompareGrids
{
    private string? _loadedFor;
    private Dictionary<string, IReadOnlyList<ArtifactInfo>> _artifacts = [];
    private IReadOnlyList<string> _groups = [];
    private Dictionary<string, EpochImages> _images = [];
    private string? _imagesFor;
    private int _maxEpochs;
    private int? _moving; // the slider's own value until the URL brings it back (see SetEpochAsync)

    [Parameter, EditorRequired] public IReadOnlyList<RunDto> Runs { get; set; } = [];

    /// <summary>The group from the URL; null or one no run has falls back to the first common group.</summary>
    [Parameter] public string? Group { get; set; }
    [Parameter] public EventCallback<string> GroupChanged { get; set; }

    /// <summary>The epoch from the URL (1-based); null means each group's last.</summary>
    [Parameter] public int? Epoch { get; set; }
    [Parameter] public EventCallback<int> EpochChanged { get; set; }

    [Inject] private IRunStore Store { get; set; } = default!;

    private string SelectedGroup => Group is { } g && _groups.Contains(g) ? g : _groups[0];

    private int CurrentEpoch => _moving ?? Math.Clamp(Epoch ?? _maxEpochs, 1, Math.Max(1, _maxEpochs));

    protected override void OnParametersSet()
    {
        if (_moving == Epoch) _moving = null;
        var runs = string.Join(',', Runs.Select(r => r.Id));
        if (_loadedFor != runs)
        {
            _loadedFor = runs;
            _imagesFor = null;
            _artifacts = Runs.ToDictionary(r => r.Id, r => Store.ListArtifacts(r.Id));
            _groups = EpochImages.Groups([.. Runs.Select(r => _artifacts[r.Id])]);
        }
        if (_groups.Count == 0 || _imagesFor == SelectedGroup) return;
        _imagesFor = SelectedGroup;
        _images = Runs.ToDictionary(r => r.Id, r => EpochImages.Of(_artifacts[r.Id], SelectedGroup));
        _maxEpochs = Math.Max(1, _images.Values.Max(i => i.Epochs));
    }

    private string Missing(RunDto run, EpochImages images) => images.IsEmpty
        ? $"no {SelectedGroup} images (this {run.Kind} run draws none)"
        : $"no image at epoch {CurrentEpoch} (trained {images.Epochs} epoch{(images.Epochs == 1 ? "" : "s")})";

    /// <summary>What the chosen group shows, with its formula.</summary>
    private string Caption => SelectedGroup switch
    {
        "samples" => "Each run's samples at the same epoch: G(z) or decode(z) for z ~ N(0, I), one fixed noise batch per run (the same every epoch), so a run's grids compare across epochs; between runs the noise differs unless their seeds match.",
        "reconstructions" => "Each run's reconstructions at the same epoch: the first test digit of each class (top) and x̂ = decode(encode(x)) (bottom); the same digits in every run.",
        "manifold" => "Each run's decoder over the same 20 × 20 grid of a 2-D latent, z_i = Φ⁻¹((i + ½)/20), at the same epoch.",
        "style" => "Each run's style transfer at the same epoch: a test digit (left), its z decoded with every label 0–9.",
        _ => $"Each run's {SelectedGroup} image at the same epoch.",
    } + " Images drawn while a run was paused (between epochs) are left out.";

    private Task SetGroupAsync(string group) => GroupChanged.HasDelegate ? GroupChanged.InvokeAsync(group) : Task.CompletedTask;

    /// <summary>Shows the new epoch at once and reports it; while the URL round trip is under way a render with the old
    /// epoch would pull the slider back (a held arrow key lost steps).</summary>
    private Task SetEpochAsync(int epoch)
    {
        _moving = epoch;
        return EpochChanged.HasDelegate ? EpochChanged.InvokeAsync(epoch) : Task.CompletedTask;
    }
}
