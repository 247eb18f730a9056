using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vinula.Engine.Hosting;

namespace Vinula.Dashboard.Tests;

/// <summary>The dashboard (or a team's worker) as a real child process on a loopback port: for crashes (kill -9),
/// start-up failures and a team of processes.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }
    public HttpClient Http { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>Vinula.Dashboard.dll</c> (copied next to the tests) on a free port with the given database.</summary>
    public static AppProcess Start(string databasePath) =>
        Start("Vinula.Dashboard.dll", new Dictionary<string, string> { ["Storage__DatabasePath"] = databasePath });

    /// <summary>Starts <c>Vinula.Worker.dll</c>, a team's worker (or one of its commands), with the given settings
    /// (environment variables).</summary>
    public static AppProcess StartWorker(IReadOnlyDictionary<string, string> settings, params string[] arguments) =>
        Start("Vinula.Worker.dll", settings, arguments);

    /// <summary>Starts an app (copied next to the tests) with the given settings as environment variables, which
    /// win over the test defaults here.</summary>
    public static AppProcess Start(string app, IReadOnlyDictionary<string, string> settings, params string[] arguments)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, app));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Data__Directory"] = Path.Combine(RepositoryRoot.Find(), "data", "datasets");
        start.Environment["Engine__Threads"] = "1";
        // A checkpoint every epoch: the crash test's epochs last milliseconds, and it kills the server after epoch 2.
        start.Environment["Engine__CheckpointSeconds"] = "0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings) start.Environment[key] = value;
        return new AppProcess(Process.Start(start)!, port);
    }

    /// <summary>Waits until /healthz answers 200.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited) throw new InvalidOperationException($"The app exited ({ExitCode}):\n{Output}");
            try
            {
                if ((await Http.GetAsync("healthz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The app did not become healthy:\n{Output}");
    }

    /// <summary>Waits until the output has <paramref name="text"/> (a worker has no health endpoint: it says when it
    /// serves its queues).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (HasExited) throw new InvalidOperationException($"The process exited ({ExitCode}):\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"'{text}' never came:\n{Output}");
            await Task.Delay(100);
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A crash: SIGKILL, no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Kill();
        Http.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }
}
