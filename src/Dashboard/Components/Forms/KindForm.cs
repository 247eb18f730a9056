using Microsoft.AspNetCore.Components;
using Vinula.Shared.Experiments;

namespace Vinula.Dashboard.Components.Forms;

/// <summary>A kind's whole form, as the New page renders it through the kind registry: the config it edits in
/// place, and what every config form shares.</summary>
public abstract class KindForm<TConfig> : ConfigForm where TConfig : ExperimentConfig
{
    /// <summary>The config being edited; the form changes it in place and reports every change.</summary>
    [Parameter, EditorRequired] public TConfig Config { get; set; } = default!;
}
