using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Vinula.Dashboard.Components.Forms;
using Vinula.Dashboard.Runs;
using Vinula.Engine.Experiments;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.New;

/// <summary>
/// One form per kind with presets, validation on every change (the engine's own validator, so the form and the
/// API agree), and prefill from a run (<c>?from=</c>) or as a teacher (<c>?teacher=</c>).
/// </summary>
public partial class NewExperimentPage
{
    private IExperimentDefinition? _definition;
    private ExperimentConfig _config = new DistillConfig();
    private readonly FieldErrors _errors = new();
    /// <summary>Text the forms could not parse, by config path; cleared whenever the config is replaced.</summary>
    private readonly Dictionary<string, string> _parseErrors = [];
    private IReadOnlyList<RunDto> _teacherRuns = [];
    private RunDto? _source;
    private string? _preset;
    private string? _name;
    private string? _tags;
    private bool _starting;

    [Parameter] public string? Kind { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }
    [SupplyParameterFromQuery(Name = "teacher")] public string? Teacher { get; set; }
    [SupplyParameterFromQuery(Name = "preset")] public string? Preset { get; set; }

    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private Vinula.Engine.Data.DatasetCatalog Datasets { get; set; } = default!;

    private string Estimate => _config switch
    {
        TemperatureSweepConfig s =>
            (s.TeacherRunId is null ? $"Trains a teacher for {s.Teacher.Epochs ?? s.Epochs} epochs, then " : "Reuses a teacher, then trains ") +
            $"{s.Temperatures.Count * s.Seeds.Count} students ({s.Temperatures.Count} temperatures × {s.Seeds.Count} seeds)" +
            $"{(s.TrainBaseline ? $" and {s.Seeds.Count} baselines" : "")} for {s.Student.Epochs ?? s.Epochs} epochs each on {TrainDigits(s)} digits.",
        DistillationConfig d =>
            (d.TeacherRunId is null ? $"Trains a teacher for {d.Teacher.Epochs ?? d.Epochs} epochs, then " : "Reuses a teacher, then trains ") +
            $"a student{(d.TrainBaseline ? " and a baseline" : "")} for {d.Student.Epochs ?? d.Epochs} epochs each on {TrainDigits(d)} digits.",
        AutoencoderConfig { Model: AutoencoderModel.Pca } a => $"Fits {a.LatentDim} principal components on {TrainDigits(a)} digits in one step.",
        AutoencoderConfig a => $"Trains the autoencoder for {a.Epochs} epochs on {TrainDigits(a)} digits.",
        GanConfigBase g => $"Trains G and D for {g.Epochs} epochs on {TrainDigits(g)} digits, {g.DiscriminatorSteps} D step(s) per G step.",
        VaeGanConfig g => $"Trains encoder, decoder and discriminator for {g.Epochs} epochs on {TrainDigits(g)} digits.",
        CvaeConfig c => $"Trains the cVAE for {c.Epochs} epochs on {TrainDigits(c)} digits, drawing the style-transfer grid every epoch.",
        VaeConfig v => $"Trains the VAE for {v.Epochs} epochs on {TrainDigits(v)} digits" + (v.LatentDim == 2 ? ", drawing its manifold every epoch." : "."),
        _ => "",
    };

    private string TrainDigits(ExperimentConfig config) =>
        (config.TrainSize ?? Datasets.TrainCountIfLoaded ?? 7_000).ToString("N0");

    protected override void OnParametersSet()
    {
        _definition = Runs.Catalog.Find(Kind);
        if (_definition is null) return;

        _source = From is null ? null : Runs.Get(From);
        _parseErrors.Clear();
        _config = _source is not null && _source.Kind == _definition.Kind
            ? (ExperimentConfig)_source.Config.Deserialize(_definition.ConfigType, VinulaJson.Options)!
            : FromPreset(Preset) ?? _definition.CreateDefault();
        _preset = _source is null ? Preset ?? _definition.Presets.FirstOrDefault()?.Name : null;
        if (_source is not null)
        {
            _name = $"{_source.Name} (copy)";
            _tags = string.Join(", ", _source.Tags);
        }
        if (_config is DistillationConfig distillation && Teacher is not null)
            distillation.TeacherRunId = Teacher;

        _teacherRuns = [.. Runs.Query(new RunQuery(Status: RunStatus.Completed, Take: 200)).Items
            .Where(r => r.Kind is ExperimentKinds.Distill or ExperimentKinds.TemperatureSweep)];
        Validate();
    }

    private ExperimentConfig? FromPreset(string? name)
    {
        var preset = _definition!.Presets.FirstOrDefault(p => p.Name == name);
        if (preset is null) return null;
        var bound = Runs.Catalog.Bind(_definition, JsonSerializer.SerializeToElement(preset.Config), Runs.Library);
        return bound.Config;
    }

    private void ApplyPreset(string name)
    {
        _preset = name;
        if (FromPreset(name) is { } config)
        {
            // Keep a chosen teacher run: presets describe architectures and losses, not which run to reuse.
            if (config is DistillationConfig d && _config is DistillationConfig old) d.TeacherRunId = old.TeacherRunId;
            _parseErrors.Clear();
            _config = config;
        }
        Validate();
    }

    /// <summary>A field was edited: the config is no longer the preset's.</summary>
    private void OnEdited()
    {
        _preset = null;
        Validate();
    }

    private void Validate()
    {
        _errors.Clear();
        if (_definition is null) return;
        foreach (var error in _definition.Validate(_config, Runs.Library))
            _errors.Set(error.Path, error.Message);
        foreach (var (path, message) in _parseErrors)
            _errors.Set(path, message);
    }

    private async Task StartAsync()
    {
        Validate();
        if (_errors.Count > 0 || _definition is null) return;
        _starting = true;
        var tags = (_tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var outcome = Runs.Create(new CreateRunRequest(_definition.Kind, ExperimentCatalog.ToJson(_config), _name, tags));
        _starting = false;
        if (outcome.Succeeded)
        {
            Nav.NavigateTo($"/runs/{outcome.Value!.Id}");
            return;
        }
        foreach (var (path, messages) in outcome.Errors ?? [])
            _errors.Set(path.StartsWith("config.", StringComparison.Ordinal) ? path["config.".Length..] : path, messages[0]);
        Snackbar.Add("The run was not started: see the marked fields.", Severity.Warning);
        await Task.CompletedTask;
    }
}
