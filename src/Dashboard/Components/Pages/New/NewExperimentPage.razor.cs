using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Vinula.Dashboard.Components.Forms;
using Vinula.Dashboard.Kinds;
using Vinula.Dashboard.Runs;
using Vinula.Engine.Data;
using Vinula.Engine.Experiments;
using Vinula.Shared;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.New;

/// <summary>
/// One form per kind (from the kind registry) with presets, validation on every change (the engine's own validator, so the form and the
/// API agree), and prefill from a run (<c>?from=</c>) or as a teacher (<c>?teacher=</c>).
/// </summary>
public partial class NewExperimentPage
{
    private IExperimentDefinition? _definition;
    private DashboardKind? _view;
    private ExperimentConfig _config = new DistillConfig();
    private readonly FieldErrors _errors = new();
    /// <summary>Text the forms could not parse, by config path; cleared whenever the config is replaced.</summary>
    private readonly Dictionary<string, string> _parseErrors = [];
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
    [Inject] private KindRegistry Kinds { get; set; } = default!;
    [Inject] private DatasetCatalog Datasets { get; set; } = default!;

    private string Estimate => _view?.Estimate(_config, new TrainingData(Datasets.TrainCountIfLoaded)) ?? "";

    /// <summary>What every kind's form takes (<see cref="KindForm{TConfig}"/>).</summary>
    private Dictionary<string, object?> FormParameters => new()
    {
        [nameof(KindForm<ExperimentConfig>.Config)] = _config,
        [nameof(ConfigForm.Errors)] = _errors,
        [nameof(ConfigForm.ParseErrors)] = _parseErrors,
        [nameof(ConfigForm.Changed)] = EventCallback.Factory.Create(this, OnEdited),
    };

    protected override void OnParametersSet()
    {
        _definition = Runs.Catalog.Find(Kind);
        _view = Kinds.Find(Kind);
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
        if (_config is TextDistillConfig text && Teacher is not null)
        {
            if (text.Task != TextDistillTask.Mlm) text.UseTaskDefaults(TextDistillTask.Mlm);
            text.TeacherRunId = Teacher;
            _definition.Resolve(text, Runs.Library); // its architecture, vocabulary and passage length, shown at once
            _preset = null; // no preset is a reused teacher's masked LM
        }
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
            if (config is TextDistillConfig { Task: TextDistillTask.Mlm } t && _config is TextDistillConfig { TeacherRunId: { } reused })
            {
                t.TeacherRunId = reused;
                _definition!.Resolve(t, Runs.Library);
            }
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
