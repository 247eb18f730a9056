using Vinula.Runs.Team;
using Vinula.Shared.Events;
using Vinula.Shared.Experiments;

namespace Vinula.Dashboard.Tests;

/// <summary>The Deployment section's checks and the envelope that carries run events between a team's processes.</summary>
public class DeploymentTests
{
    [Fact]
    public void TheEmbeddedDefaultNeedsNothing() => Assert.Empty(new DeploymentOptions().Problems());

    [Fact]
    public void ATeamWithoutItsServicesNamesTheMissingKeys()
    {
        var problems = new DeploymentOptions { Mode = DeploymentMode.Team, Queues = ["gpu"] }.Problems();
        Assert.Contains(problems, p => p.StartsWith("Deployment:PostgreSql is empty"));
        Assert.Contains(problems, p => p.StartsWith("Deployment:Redis is empty"));
        Assert.Contains(problems, p => p.Contains("Deployment:Queues has 'gpu'"));
    }

    [Fact]
    public void RunsAskingForCudaWaitForAGpuWorkerAndTheRestGoToTheCpuQueue()
    {
        Assert.Equal("cuda", DeploymentOptions.QueueFor(DeviceChoice.Cuda));
        Assert.Equal("cpu", DeploymentOptions.QueueFor(DeviceChoice.Cpu));
        Assert.Equal("cpu", DeploymentOptions.QueueFor(DeviceChoice.Auto));
        Assert.Equal(["cpu"], new DeploymentOptions().ServedQueues);
        Assert.Equal(["cuda", "cpu"], new DeploymentOptions { Queues = ["CUDA", "cpu", "cuda"] }.ServedQueues);
    }

    [Theory]
    [MemberData(nameof(EventContractTests.Samples), MemberType = typeof(EventContractTests))]
    public void EveryEventCrossesProcessesInItsEnvelopeWithItsOrigin(RunEvent e)
    {
        var read = RunEventEnvelope.Read(RunEventEnvelope.Write("dashboard-a", e));
        Assert.NotNull(read);
        Assert.Equal("dashboard-a", read.Value.Origin);
        Assert.Equal(e.GetType(), read.Value.Event.GetType());
        Assert.Equal(RunEventEnvelope.Write("x", e), RunEventEnvelope.Write("x", read.Value.Event));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"origin":"a","type":"NoSuchEvent","event":{}}""")]
    [InlineData("""{"type":"RunDeleted","event":{"runId":"r"}}""")]
    public void TextThatIsNotAKnownEventsEnvelopeIsIgnored(string text) => Assert.Null(RunEventEnvelope.Read(text));
}
