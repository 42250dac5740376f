using System.Diagnostics;
using System.Runtime.InteropServices;
using Maestro.AppHost.Dashboard;
using Maestro.AppHost.Seeding;

namespace Maestro.AppHost.Hosting;

/// <summary>
/// Runs the declared resources: each starts once what it waits for is healthy; the demo model is
/// seeded through the gateway; Ctrl+C or SIGTERM stops every child (gateway first, Redis last)
/// within <see cref="StopTimeout"/>, killing any that has not exited by then.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(9);
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly DistributedApplicationBuilder _builder;
    private readonly IReadOnlyList<Resource> _resources;
    private readonly List<ReplicaRunner> _runners = [];
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly CancellationTokenSource _shutdown = new();
    private DashboardServer? _dashboard;

    internal DistributedApplication(DistributedApplicationBuilder builder, IReadOnlyList<Resource> resources)
    {
        _builder = builder;
        _resources = resources;
    }

    public static DistributedApplicationBuilder CreateBuilder(AppHostOptions options) => new(options);

    public IReadOnlyList<Resource> Resources => _resources;

    public async Task<int> RunAsync()
    {
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var options = _builder.Options;

        foreach (var port in new[] { options.Port, options.DashboardPort })
        {
            if (!PortAllocator.IsFree(port))
            {
                ConsoleLog.Info($"Port {port} is already in use. Stop what uses it, or choose another with --port / --dashboard-port.");
                return 1;
            }
        }

        var missing = _resources.OfType<ProjectResource>().Select(r => r.Project.AssemblyPath).Where(p => !File.Exists(p)).ToArray();
        if (missing.Length > 0)
        {
            ConsoleLog.Info($"Service assemblies are missing ({string.Join(", ", missing)}). Build the solution first: dotnet build Maestro.Aspire.sln");
            return 1;
        }

        var started = Stopwatch.GetTimestamp();
        _dashboard = await DashboardServer.StartAsync(options.DashboardPort, this);
        ConsoleLog.Info($"Dashboard: http://localhost:{options.DashboardPort}");
        ConsoleLog.Info($"Data directory: {options.DataDirectory}");
        ConsoleLog.Info(_builder.DevApiKeyIsNew
            ? $"Development API key ({_builder.DevApiKeyOrigin}; shown this once): {_builder.DevApiKey}"
            : $"Development API key: {_builder.DevApiKeyOrigin}");

        try
        {
            foreach (var resource in _resources)
            {
                if (!resource.IsAvailable)
                {
                    ConsoleLog.Info(resource is RedisResource
                        ? "redis-server is not installed: running without Redis (quotas are kept in memory per gateway). Install it with: apt-get install redis-server"
                        : $"{resource.Name} is not available; skipping it.");
                    continue;
                }

                foreach (var dependency in resource.Dependencies.Where(d => d.IsAvailable))
                {
                    await WaitHealthyAsync(dependency);
                }

                foreach (var replica in resource.Replicas)
                {
                    var runner = new ReplicaRunner(replica, _time);
                    _runners.Add(runner);
                    runner.Start();
                }
            }

            foreach (var resource in _resources.Where(r => r.IsAvailable))
            {
                await WaitHealthyAsync(resource);
            }

            var gateway = _resources.Single(r => r.FixedPort == options.Port).Replicas[0];
            var gatewayUrl = $"http://localhost:{gateway.Port}";
            if (options.Seed)
            {
                using var http = new HttpClient { Timeout = DemoModelSeeder.Timeout };
                await TrySeedAsync(new DemoModelSeeder(http, gatewayUrl, _builder.DevApiKey, ServiceProject.RepositoryRoot), _shutdown.Token);
            }

            ConsoleLog.Info($"Maestro is ready in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: {gatewayUrl} (dashboard http://localhost:{options.DashboardPort}). Ctrl+C stops everything.");
            ConsoleLog.Info($"Try: curl -s -X POST {gatewayUrl}/api/v1/models/fraud-detector/predict -H \"X-API-Key: $(cat {Path.Combine(options.DataDirectory, DevApiKey.FileName)})\" -H 'Content-Type: application/json' -d '{{\"features\": [0.5, 1.2, 3.4]}}'");
            await Task.Delay(Timeout.Infinite, _shutdown.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return 0;
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            return 0;
        }
        catch (StartupException ex)
        {
            ConsoleLog.Info(ex.Message);
            return 1;
        }
        finally
        {
            await StopAsync();
        }
    }

    /// <summary>
    /// Seeds the demo model; a failure is reported and the platform keeps running without it — a
    /// busy machine or a slow upload must not take every service down.
    /// </summary>
    internal static async Task<bool> TrySeedAsync(DemoModelSeeder seeder, CancellationToken cancellationToken)
    {
        try
        {
            await seeder.SeedAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is StartupException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            ConsoleLog.Info($"The demo model {DemoModelSeeder.ModelName} was not registered ({ex.Message}); the platform runs without it.");
            return false;
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (!_shutdown.IsCancellationRequested)
        {
            ConsoleLog.Info($"{context.Signal} received; stopping every resource.");
            _shutdown.Cancel();
        }
    }

    private async Task WaitHealthyAsync(Resource resource)
    {
        var deadline = Stopwatch.GetTimestamp();
        while (resource.Replicas.Any(r => r.Health != ReplicaHealth.Healthy))
        {
            if (Stopwatch.GetElapsedTime(deadline) > StartTimeout)
            {
                var sick = resource.Replicas.First(r => r.Health != ReplicaHealth.Healthy);
                throw new StartupException(
                    $"{sick.Name} did not become healthy within {StartTimeout.TotalSeconds:0} s. Its last output:{Environment.NewLine}  "
                    + string.Join(Environment.NewLine + "  ", sick.Logs.Tail(20)));
            }

            await Task.Delay(100, _shutdown.Token);
        }
    }

    /// <summary>Stops dependants before what they depend on: the reverse of start order.</summary>
    private async Task StopAsync()
    {
        if (_runners.Count == 0)
        {
            return;
        }

        var deadline = _time.GetUtcNow() + StopTimeout;
        foreach (var wave in _runners.GroupBy(r => r.Replica.Resource).Reverse())
        {
            await Task.WhenAll(wave.Select(runner => runner.StopAsync(deadline)));
        }

        _runners.Clear();
        ConsoleLog.Info("Every resource is stopped.");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }

        _shutdown.Dispose();
    }
}

internal sealed class StartupException(string message) : Exception(message);
