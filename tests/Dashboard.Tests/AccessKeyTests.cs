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

    /// <summary>Posts the access form the way a browser does: with the anti-forgery token of the page it came from.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string key, string returnUrl)
    {
        var page = await client.GetStringAsync("/access");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        Assert.True(token.Success, "The access form carries no anti-forgery token.");
        return await client.PostAsync("/access", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = key, ["returnUrl"] = returnUrl, [token.Groups[1].Value] = System.Net.WebUtility.HtmlDecode(token.Groups[2].Value),
        }));
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

        var bad = await SubmitAsync(client, "nope", "/");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);

        var good = await SubmitAsync(client, Key, "/runs/abc?tab=log");
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/runs/abc?tab=log", good.Headers.Location!.ToString());
        var cookie = Assert.Single(good.Headers.GetValues("Set-Cookie"), c => c.StartsWith("vinula_access=", StringComparison.Ordinal));
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
        var response = await SubmitAsync(client, Key, "//evil.example/x");
        Assert.Equal("/", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task TheAccessFormRefusesAPostWithoutItsAntiForgeryToken()
    {
        var response = await Client().PostAsync("/access", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Key, ["returnUrl"] = "/" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("vinula_access=")));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _factory.DisposeAsync();
    }
}
