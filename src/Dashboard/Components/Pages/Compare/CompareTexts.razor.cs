using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Vinula.Runs.Storage;
using Vinula.Shared;
using Vinula.Shared.Artifacts;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Compare;

/// <summary>The text-gan runs' stored samples (<see cref="EpochTexts"/>) at one epoch, side by side.</summary>
public partial class CompareTexts
{
    private string? _loadedFor;
    private Dictionary<string, IReadOnlyList<ArtifactInfo>> _texts = [];
    private readonly Dictionary<(string Run, string Name), TextSampleSet?> _read = [];
    private int _maxEpochs;
    private int? _moving; // the slider's own value until the URL brings it back (see SetEpochAsync)

    [Parameter, EditorRequired] public IReadOnlyList<RunDto> Runs { get; set; } = [];

    /// <summary>The epoch from the URL (1-based); null means each run's last.</summary>
    [Parameter] public int? Epoch { get; set; }
    [Parameter] public EventCallback<int> EpochChanged { get; set; }

    [Inject] private IRunStore Store { get; set; } = default!;

    private int CurrentEpoch => _moving ?? Math.Clamp(Epoch ?? _maxEpochs, 1, Math.Max(1, _maxEpochs));

    protected override void OnParametersSet()
    {
        if (_moving == Epoch) _moving = null;
        var runs = string.Join(',', Runs.Select(r => r.Id));
        if (_loadedFor == runs) return;
        _loadedFor = runs;
        _read.Clear();
        _texts = Runs.Where(r => r.Kind == ExperimentKinds.TextGan).ToDictionary(r => r.Id, r => EpochTexts.Of(Store.ListArtifacts(r.Id)));
        _maxEpochs = _texts.Count == 0 ? 0 : Math.Max(1, _texts.Values.Max(s => s.Count));
    }

    /// <summary>The run's set at the current epoch, read once.</summary>
    private TextSampleSet? Read(string runId, IReadOnlyList<ArtifactInfo> sets)
    {
        if (CurrentEpoch > sets.Count) return null;
        var name = sets[CurrentEpoch - 1].Name;
        if (!_read.TryGetValue((runId, name), out var set))
            _read[(runId, name)] = set = Store.LoadArtifact(runId, name) is { } file
                ? JsonSerializer.Deserialize<TextSampleSet>(file.Content, VinulaJson.Options)
                : null;
        return set;
    }

    private static string Phase(string phase) => phase switch
    {
        "mle" => "maximum likelihood",
        "dpre" => "D pretraining (G unchanged)",
        "adversarial" => "adversarial (REINFORCE)",
        _ => phase,
    };

    /// <summary>Shows the new epoch at once and reports it (as CompareGrids does: no pull-back during the URL round trip).</summary>
    private Task SetEpochAsync(int epoch)
    {
        _moving = epoch;
        return EpochChanged.HasDelegate ? EpochChanged.InvokeAsync(epoch) : Task.CompletedTask;
    }
}
