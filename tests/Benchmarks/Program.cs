using BenchmarkDotNet.Running;

namespace Vinula.Benchmarks;

/// <summary>Named, not top-level statements: the dashboard's own <c>Program</c> is referenced for the Runs-page
/// measurement.</summary>
public static class BenchmarkMain
{
    // dotnet run -c Release --project tests/Benchmarks -- --filter '*'
    // dotnet run -c Release --project tests/Benchmarks -- runs-page [runs] [rounds]
    // dotnet run -c Release --project tests/Benchmarks -- curve [points] [rounds]
    // dotnet run -c Release --project tests/Benchmarks -- runs-list [runs] [repeats]
    // dotnet run -c Release --project tests/Benchmarks -- steps [threads] [seconds]
    // dotnet run -c Release --project tests/Benchmarks -- memory [runs] [trainSize]
    // dotnet run -c Release --project tests/Benchmarks -- live [runs] [pages] [trainSize]
    // dotnet run -c Release --project tests/Benchmarks -- e2e [distill|vae|gan|all] [rounds] [threads]
    // dotnet run -c Release --project tests/Benchmarks -- team [rounds] [seconds] [runs]
    public static async Task Main(string[] args)
    {
        if (args is ["runs-page", ..])
        {
            await RunsPageCost.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 10_000, args.Length > 2 ? int.Parse(args[2]) : 3);
            return;
        }
        if (args is ["curve", ..])
        {
            await CurveCost.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1_000_000, args.Length > 2 ? int.Parse(args[2]) : 3);
            return;
        }
        if (args is ["runs-list", ..])
        {
            await RunsListCost.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 10_000, args.Length > 2 ? int.Parse(args[2]) : 10);
            return;
        }
        if (args is ["steps", ..])
        {
            ReferenceSteps.Run(args.Length > 1 ? [int.Parse(args[1])] : [1, 2], args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
            return;
        }
        if (args is ["memory", ..])
        {
            await MemoryAcrossRuns.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 20, args.Length > 2 ? int.Parse(args[2]) : 60_000);
            return;
        }
        if (args is ["live", ..])
        {
            await LiveLatency.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 10, args.Length > 2 ? int.Parse(args[2]) : 3,
                args.Length > 3 ? int.Parse(args[3]) : 20_000);
            return;
        }
        if (args is ["e2e", ..])
        {
            await EndToEndCost.RunAsync(args.Length > 1 ? args[1] : "all", args.Length > 2 ? int.Parse(args[2]) : 3,
                args.Length > 3 ? int.Parse(args[3]) : 2);
            return;
        }
        if (args is ["team", ..])
        {
            await TeamHop.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 2, args.Length > 2 ? int.Parse(args[2]) : 20,
                args.Length > 3 ? int.Parse(args[3]) : 1_000);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkMain).Assembly).Run(args);
    }
}
