using Microsoft.AspNetCore.Components;
using Vinula.Dashboard.Components.Live;
using Vinula.Shared.Experiments;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Run;

/// <summary>
/// A kind's panels on the Run page's Training tab, rendered through the kind registry: the run, its config as the
/// kind's type (read once by the registry), the page's log-axis choice, and the run's live events (cascaded).
/// Panels several kinds share are not here: the registration declares them (<c>PanelCapabilities</c>).
/// </summary>
public abstract class KindPanels<TConfig> : ComponentBase where TConfig : ExperimentConfig
{
    [Parameter, EditorRequired] public RunDto Run { get; set; } = default!;
    [Parameter, EditorRequired] public TConfig Config { get; set; } = default!;

    /// <summary>Whether loss charts start on a log axis (the page keeps it in the URL).</summary>
    [Parameter] public bool LogY { get; set; }
    [Parameter] public EventCallback<bool> LogYChanged { get; set; }

    [CascadingParameter] public RunLive Live { get; set; } = default!;
}
