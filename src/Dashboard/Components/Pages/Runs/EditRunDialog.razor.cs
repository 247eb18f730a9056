using Microsoft.AspNetCore.Components;
using MudBlazor;
using Vinula.Dashboard.Runs;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Components.Pages.Runs;

public partial class EditRunDialog
{
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private RunService Runs { get; set; } = default!;

    [Parameter, EditorRequired] public RunDto Run { get; set; } = default!;

    private string? _name;
    private string? _tags;
    private string? _notes;
    private string? _error;

    protected override void OnInitialized() =>
        (_name, _tags, _notes) = (Run.Name, string.Join(", ", Run.Tags), Run.Notes);

    private void Save()
    {
        var tags = (_tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var outcome = Runs.Update(Run.Id, new UpdateRunRequest(Name: _name ?? "", Tags: tags, Notes: _notes ?? ""));
        if (outcome.Succeeded)
        {
            Dialog.Close(DialogResult.Ok(outcome.Value));
            return;
        }
        _error = outcome.IsNotFound ? "This run no longer exists."
            : outcome.ConflictMessage ?? string.Join(" ", outcome.Errors!.Values.SelectMany(v => v).Distinct());
    }

    private void Cancel() => Dialog.Cancel();
}
