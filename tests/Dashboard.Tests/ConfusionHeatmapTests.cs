using Bunit;
using Vinula.Dashboard.Components.Live;
using Vinula.Shared.Artifacts;

namespace Vinula.Dashboard.Tests;

/// <summary>The text-distill confusion heat-map: one row per true genre, one cell per predicted genre, recall per row.</summary>
public sealed class ConfusionHeatmapTests : DashboardContext
{
    [Fact]
    public void TheHeatMapShowsEveryGenrePairAndEachRowsRecall()
    {
        var labels = Enumerable.Range(0, 15).Select(g => $"genre{g}").ToArray();
        // Row g: 4 passages right, 1 predicted as the next genre; genre 14 has no test passage.
        var counts = labels.Select((_, t) => labels.Select((_, p) => t == 14 ? 0 : p == t ? 4 : p == (t + 1) % 15 ? 1 : 0).ToArray()).ToArray();
        var matrix = new ConfusionMatrix("teacher", labels, counts);

        var cut = Render<ConfusionHeatmap>(p => p.Add(c => c.Title, "Teacher").Add(c => c.Role, "teacher").Add(c => c.Matrix, matrix));

        var rows = cut.FindAll("tbody tr");
        Assert.Equal(15, rows.Count);
        Assert.All(rows, r => Assert.Equal(15 + 2, r.QuerySelectorAll("td").Length)); // 15 cells, n, recall
        Assert.Equal("4", rows[0].QuerySelectorAll("td")[0].TextContent);
        Assert.Contains("80", rows[0].QuerySelectorAll("td")[16].TextContent); // recall 4 / 5
        Assert.Equal("—", rows[14].QuerySelectorAll("td")[16].TextContent);
        Assert.Equal(0.8, matrix.BalancedAccuracy(), 6); // genre 14 has no passages: left out of the mean
        Assert.Contains("70 passages", cut.Markup);
    }

    [Fact]
    public void BeforeTheModelHasFinishedTheHeatMapSaysWhenItAppears()
    {
        var cut = Render<ConfusionHeatmap>(p => p.Add(c => c.Title, "Student").Add(c => c.Role, "student"));
        Assert.Contains("Appears when the student has finished training", cut.Markup);
        Assert.Empty(cut.FindAll("table"));
    }
}
