namespace Vinula.Dashboard.Tests;

public sealed class RunSortTests
{
    [Fact]
    public void UnknownSortKeysAreRefused()
    {
        Assert.Null(RunSort.Parse("colour"));
        Assert.Null(RunSort.Parse("summary.x'] OR 1=1"));
        Assert.Equal("-summary.test.mse", RunSort.Parse("-summary.test.mse")!.ToString());
        Assert.Equal(RunSortField.Duration, RunSort.Parse("-duration")!.Field);
    }
}
