using System.Net;
using System.Net.Http.Headers;

namespace Vinula.Dashboard.Tests;

/// <summary>What a new user's browser got from the server in their first hour (issue #9).</summary>
public sealed class FirstHourHttpTests(VinulaFactory factory) : IClassFixture<VinulaFactory>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    [Fact]
    public async Task ABrowserAtAnUnknownAddressGetsTheDashboardsNotFoundPage()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        request.Headers.TryAddWithoutValidation("Accept", BrowserAccept);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("blazor.web", body); // the app's shell: it renders the layout and the not-found page
        Assert.DoesNotContain("\"status\":404", body);
    }

    [Theory]
    [InlineData("/api/runs/no-such-run")]
    [InlineData("/api/no-such-endpoint")]
    public async Task AnApiClientStillGetsProblemDetails(string url)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.EndsWith("json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheFirstPageSaysItIsLoadingAndAsksForFingerprintedAssets()
    {
        using var client = factory.CreateClient();
        var html = await client.GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.Contains("Loading Vinula", html); // not a blank page while the circuit connects
        // From the build-time manifest (fingerprinted), not plain 'app.css' that the runtime handler warned about.
        Assert.Matches(@"href=""app\.[a-z0-9]+\.css""", html);
        Assert.Matches(@"href=""favicon\.[a-z0-9]+\.svg""", html);
    }
}
