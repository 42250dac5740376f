using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Maestro.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/Maestro.Benchmarks -- --filter '*'</c>;
/// add <c>--quick</c> (ours, not BenchmarkDotNet's) for 100 ms iterations, as <c>bench/run.sh --quick</c> does.
/// Not measured yet, because the code does not exist: the gateway's quota decision (issue 5) — add a
/// benchmark class here when it lands.
/// </summary>
public static class BenchmarkProgram
{
    private const string QuickSwitch = "--quick";

    public static int Main(string[] args)
    {
        // Short runs in this process: a few iterations keep bench/run.sh inside its time budget on a
        // 2-core machine, and running in-process avoids BenchmarkDotNet generating and building a
        // project under this repository's Directory.Build.props. The error column shows how much
        // to trust each mean.
        var quick = args.Contains(QuickSwitch);
        var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance);
        if (quick)
        {
            job = job.WithIterationTime(TimeInterval.FromMilliseconds(100));
        }

        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "maestro-benchmarks"));

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly)
            .Run(args.Where(arg => arg != QuickSwitch).ToArray(), config);
        return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
    }
}
