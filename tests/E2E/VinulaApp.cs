using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Vinula.Engine.Hosting;
using Vinula.Shared;
using Vinula.Shared.Runs;

namespace Vinula.E2E.Tests;

/// <summary>
/// The real dashboard on Kestrel (loopback, a free port) with a fresh database, the repository's dataset cache and
/// one libtorch thread, plus a headless system Chromium driven by Playwright. One per test class.
/// </summary>
public sealed class VinulaApp : IAsyncLifetime
{
    /// <summary>Where CI's <c>apt-get install -y chromium</c> puts it; <c>VINULA_CHROMIUM</c> overrides.</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("VINULA_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    /// <summary>Flags that behave on a closed network. Playwright adds its own fresh profile (a temp
    /// <c>--user-data-dir</c>) per launch; it refuses that flag in <c>Args</c>.</summary>
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly Factory _factory = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string RepositoryRootPath { get; } = RepositoryRoot.Find();
    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryRootPath, "artifacts", "screenshots");

    /// <summary>The app's address, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public HttpClient Http { get; } = new();

    /// <summary>The server's warnings and errors (category, level, message and exception), in order.</summary>
    public ServerLog ServerLog => _factory.Log;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The run the class's journey finished, for later tests of the same class (null until then).</summary>
    public (string Id, string Name)? FinishedRun { get; set; }

    public async ValueTask InitializeAsync()
    {
        // Fail first, and clearly, when the browser is missing: a server start would only delay the message.
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}. The browser tests drive the system Chromium: install it " +
                "(apt-get install -y chromium) or point VINULA_CHROMIUM at a Chromium/Chrome executable.");

        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        BaseUrl = addresses?.FirstOrDefault()?.TrimEnd('/')
                  ?? throw new InvalidOperationException("Kestrel reported no address.");
        Http.BaseAddress = new Uri(BaseUrl + "/");

        // Web-first assertions retry for up to 15 s (Playwright's default is 5): a cold circuit on a busy CI box.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        try
        {
            _browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = 60_000,
            });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"Chromium at {ChromiumPath} did not start under Playwright: {e.Message}", e);
        }
    }

    /// <summary>A fresh browser context (own cookies and storage) and page, with generous default timeouts.</summary>
    public async Task<IPage> NewPageAsync(ITestOutputHelper? output = null)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseUrl,
            ViewportSize = new() { Width = 1440, Height = 1000 },
            ColorScheme = ColorScheme.Light,
            Locale = "en-US",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        if (output is not null)
        {
            // Client-side errors are reported, not asserted: they help explain a failure.
            page.Console += (_, m) =>
            {
                if (m.Type is "error" or "warning") TryWrite(output, $"[browser {m.Type}] {m.Text}");
            };
            page.PageError += (_, e) => TryWrite(output, $"[page error] {e}");
        }
        return page;
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a fresh page; if it throws, saves <c>e2e-failed-&lt;test&gt;.png</c> first, so
    /// a red CI run shows what the browser saw. The context is closed either way.
    /// </summary>
    public async Task WithPageAsync(ITestOutputHelper output, Func<IPage, Task> test)
    {
        var page = await NewPageAsync(output);
        try
        {
            await test(page);
        }
        catch
        {
            var name = TestContext.Current.TestMethod?.MethodName ?? "test";
            try { TryWrite(output, $"Failure screenshot: {await ScreenshotAsync(page, $"e2e-failed-{name}.png")}"); }
            catch (PlaywrightException) { /* the page is gone; keep the original failure */ }
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Waits until the page's circuit is up: a prerendered page (the run list, a run, a comparison) is plain
    /// HTML until then, and a click on it would be lost.</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-interactive='true']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });

    /// <summary>Saves a full-page screenshot to <c>artifacts/screenshots/</c> under the repository root.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string fileName)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, fileName);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Queues a run through the HTTP API and waits until it has finished.</summary>
    public async Task<RunDto> CreateAndFinishRunAsync(string name, string configJson, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var body = $$"""{ "kind": "distill", "name": {{System.Text.Json.JsonSerializer.Serialize(name)}}, "config": {{configJson}} }""";
        var response = await Http.PostAsync("api/runs", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        response.EnsureSuccessStatusCode();
        var run = (await response.Content.ReadFromJsonAsync<RunDto>(VinulaJson.Options, cancellationToken))!;
        var deadline = DateTime.UtcNow + timeout;
        while (!run.Status.IsFinished())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Run {run.Id} is still {run.Status} after {timeout.TotalSeconds:0} s.");
            await Task.Delay(250, cancellationToken);
            run = (await Http.GetFromJsonAsync<RunDto>($"api/runs/{run.Id}", VinulaJson.Options, cancellationToken))!;
        }
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        Http.Dispose();
        await _factory.DisposeAsync();
    }

    private static void TryWrite(ITestOutputHelper output, string line)
    {
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { /* the test has already finished */ }
    }

    private sealed class Factory : WebApplicationFactory<Program>
    {
        private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"vinula-e2e-{Guid.NewGuid():N}.db");

        public ServerLog Log { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // The app's own root (the folder with Dashboard.sln), as when it runs for real.
            builder.UseContentRoot(RepositoryRootPath);
            builder.UseSetting("Storage:DatabasePath", _databasePath);
            // The repository's MNIST cache: no download during the tests.
            builder.UseSetting("Data:Directory", Path.Combine(RepositoryRootPath, "data", "datasets"));
            builder.UseSetting("Engine:Threads", "1");
            builder.UseSetting("Engine:MaxConcurrentRuns", "1");
            builder.ConfigureLogging(logging => logging.AddProvider(Log));
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            foreach (var file in new[] { _databasePath, Path.ChangeExtension(_databasePath, null) + "-log.db" })
                if (File.Exists(file)) File.Delete(file);
        }
    }
}

/// <summary>Keeps the server's warnings and errors, so a test can fail on an unhandled circuit exception the browser
/// never sees.</summary>
public sealed class ServerLog : ILoggerProvider
{
    private readonly List<string> _entries = [];

    public IReadOnlyList<string> Entries
    {
        get { lock (_entries) return [.. _entries]; }
    }

    /// <summary>Entries logged after <paramref name="mark"/> (a previous <see cref="Entries"/> count).</summary>
    public IReadOnlyList<string> Since(int mark)
    {
        lock (_entries) return [.. _entries.Skip(mark)];
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}";
            lock (log._entries) log._entries.Add(line);
        }
    }
}
