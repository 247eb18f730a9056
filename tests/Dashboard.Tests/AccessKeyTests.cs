using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Vinula.Dashboard.Tests;

/// <summary>With Security:AccessKey set, everything but /healthz needs the key, and links never carry it.</summary>
public sealed class AccessKeyTests : IAsyncLifetime
{
    private const string Key = "correct horse battery staple";
    private readonly VinulaFactory _factory = new();
    private WebApplicationFactory<Program> _app = default!;

    public ValueTask InitializeAsync()
    {
        _app = _factory.WithWebHostBuilder(b => b.UseSetting("Security:AccessKey", Key));
        return ValueTask.CompletedTask;
    }

    private HttpClient Client() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task HealthzIsOpenAndTheApiNeedsTheKeyInAHeader()
    {
        var client = Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        var refused = await client.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("X-Vinula-Key", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/openapi/v1.json")).StatusCode);

        var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { { "X-Vinula-Key", "guess" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
        var right = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { { "X-Vinula-Key", Key } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right)).StatusCode);
    }

    [Fact]
    public async Task ABrowserEntersTheKeyOnceAndKeepsACookieThatIsNotTheKey()
    {
        var client = Client();
        var page = await client.GetAsync("/runs/abc?tab=log");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/access?returnUrl=%2Fruns%2Fabc%3Ftab%3Dlog", page.Headers.Location!.ToString());

        var form = await client.GetStringAsync(page.Headers.Location);
        Assert.Contains("name=\"key\"", form);

        var bad = await client.PostAsync("/access", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "nope", ["returnUrl"] = "/" }));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);

        var good = await client.PostAsync("/access", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Key, ["returnUrl"] = "/runs/abc?tab=log" }));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/runs/abc?tab=log", good.Headers.Location!.ToString());
        var cookie = Assert.Single(good.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Uri.EscapeDataString(Key), cookie);
        Assert.DoesNotContain("horse", cookie);

        // The cookie now opens the API and the pages (links themselves never carry the key).
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task TheAccessPageNeverRedirectsToAnotherSite()
    {
        var client = Client();
        var response = await client.PostAsync("/access", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Key, ["returnUrl"] = "//evil.example/x" }));
        Assert.Equal("/", response.Headers.Location!.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _factory.DisposeAsync();
    }
}
