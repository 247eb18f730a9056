using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vinula.Runs.Storage;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.Dashboard.Tests;

/// <summary>The run list's filters, sorts, search and bulk actions through <c>/api/runs</c>. Each test works on runs
/// of its own (a unique tag or word), the app and database being shared.</summary>
public sealed class RunsListApiTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private IRunStore Store => factory.Services.GetRequiredService<IRunStore>();

    private string Add(string name, RunStatus status = RunStatus.Completed, string[]? tags = null, string? notes = null,
        double? accuracy = null, int minutes = 0)
    {
        var id = $"t{Guid.NewGuid():N}"[..12];
        var created = DateTime.UtcNow.AddMinutes(minutes);
        var run = new RunDocument { Id = id, Name = name, Kind = "distill", CreatedAt = created, Tags = [.. tags ?? []], Notes = notes };
        if (accuracy is { } a) run.Summary["student.test_accuracy"] = a;
        run.SetStatus(status, created);
        Store.Insert(run);
        return id;
    }

    private async Task<string[]> NamesAsync(string query)
    {
        var page = await _client.GetFromJsonAsync<RunPage>($"/api/runs?{query}", VinulaJson.Options);
        return [.. page!.Items.Select(r => r.Name)];
    }

    private Task<HttpResponseMessage> BulkAsync(object body) =>
        _client.PostAsync("/api/runs/bulk", new StringContent(JsonSerializer.Serialize(body, VinulaJson.Options), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task ASummarySortPutsRunsWithoutTheKeyLastBothWays()
    {
        string[] tag = ["sortcheck"];
        Add("acc 0.5", tags: tag, accuracy: 0.5, minutes: 1);
        Add("no accuracy", tags: tag, minutes: 2);
        Add("acc 0.9", tags: tag, accuracy: 0.9, minutes: 3);

        Assert.Equal(["acc 0.9", "acc 0.5", "no accuracy"], await NamesAsync("tag=sortcheck&sort=-summary.student.test_accuracy"));
        Assert.Equal(["acc 0.5", "acc 0.9", "no accuracy"], await NamesAsync("tag=sortcheck&sort=summary.student.test_accuracy"));
    }

    [Fact]
    public async Task TheTagFilterIgnoresCase()
    {
        Add("tagged upper", tags: ["CaseTag"]);
        Add("tagged lower", tags: ["casetag"]);
        Add("untagged");

        var names = await NamesAsync("tag=CASETAG");

        Assert.Equal(2, names.Length);
        Assert.Contains("tagged upper", names);
        Assert.Contains("tagged lower", names);
    }

    [Fact]
    public async Task TheSearchMatchesNotes()
    {
        Add("a run with notes", notes: "Teacher diverged: try a smaller learning rate (zebrafish).");
        Add("a run without");

        Assert.Equal(["a run with notes"], await NamesAsync("q=ZEBRAFISH"));
    }

    [Fact]
    public async Task AnUnknownSortIsRefusedNamingSort()
    {
        var response = await _client.GetAsync("/api/runs?sort=colour");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("sort", out _));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/api/runs?sort=-duration")).StatusCode);
    }

    [Fact]
    public async Task BulkTaggingAddsTheTagToEveryRunAndKeepsTheirOwn()
    {
        var one = Add("bulk one", tags: ["own"]);
        var two = Add("bulk two");

        var response = await BulkAsync(new { ids = new[] { one, two }, addTags = new[] { "bulk-added" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcomes = await response.Content.ReadFromJsonAsync<List<BulkRunOutcome>>(VinulaJson.Options);
        Assert.All(outcomes!, o => Assert.Equal("updated", o.Outcome));
        Assert.Equal(["own", "bulk-added"], Store.Get(one)!.Tags);
        Assert.Equal(["bulk-added"], Store.Get(two)!.Tags);
    }

    [Fact]
    public async Task BulkDeleteRefusesARunningRunAndSaysWhy()
    {
        var done = Add("finished, to delete");
        var running = Add("still training", RunStatus.Running);

        var response = await BulkAsync(new { ids = new[] { done, running }, delete = true });

        var outcomes = (await response.Content.ReadFromJsonAsync<List<BulkRunOutcome>>(VinulaJson.Options))!;
        Assert.Equal("deleted", outcomes.Single(o => o.Id == done).Outcome);
        var refused = outcomes.Single(o => o.Id == running);
        Assert.Equal("conflict", refused.Outcome);
        Assert.Contains("running", refused.Message);
        Assert.Null(Store.Get(done));
        Assert.NotNull(Store.Get(running));
    }
}
