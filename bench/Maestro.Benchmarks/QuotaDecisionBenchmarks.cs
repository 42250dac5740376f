using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Maestro.Gateway.Quotas;
using StackExchange.Redis;

namespace Maestro.Benchmarks;

/// <summary>
/// The gateway's Redis quota decision alone (<see cref="RedisTokenBuckets.TakeAsync"/>: one EVALSHA of
/// the token-bucket script) against a real, throw-away <c>redis-server</c> on loopback, through one
/// multiplexer as the gateway uses it. <see cref="InFlight"/> decisions are outstanding at a time, as
/// concurrent requests make them; <c>Op/s</c> is decisions per second. Buckets are spread over 1,000
/// keys with limits that never refuse, so every decision runs the whole script and writes.
/// </summary>
[Config(typeof(DecisionsPerSecond))]
public class QuotaDecisionBenchmarks
{
    private const int Decisions = 8_192;
    private static readonly QuotaLimit Limit = new("bench", int.MaxValue, int.MaxValue);

    private readonly RedisTokenBuckets _buckets = new();
    private Process _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private IDatabase _database = null!;
    private string[] _partitions = [];

    [Params(1, 64)]
    public int InFlight { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        _redis = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (apt-get install redis-server).");
        _redis.OutputDataReceived += (_, _) => { };
        _redis.ErrorDataReceived += (_, _) => { };
        _redis.BeginOutputReadLine();
        _redis.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                _connection = ConnectionMultiplexer.Connect($"127.0.0.1:{port},abortConnect=true,connectTimeout=1000");
                break;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }

        _database = _connection.GetDatabase();
        _partitions = Enumerable.Range(0, 1_000).Select(i => $"bench-{i}").ToArray();
        _buckets.TakeAsync(_database, _partitions[0], Limit, 1, 0).GetAwaiter().GetResult(); // loads the script
    }

    [Benchmark(OperationsPerInvoke = Decisions)]
    public async Task Decide()
    {
        var now = Environment.TickCount64;
        var lanes = new Task[InFlight];
        for (var lane = 0; lane < InFlight; lane++)
        {
            lanes[lane] = RunLaneAsync(lane, now);
        }

        await Task.WhenAll(lanes);
    }

    private async Task RunLaneAsync(int lane, long now)
    {
        for (var i = lane; i < Decisions; i += InFlight)
        {
            var decision = await _buckets.TakeAsync(_database, _partitions[i % _partitions.Length], Limit, 1, now);
            if (!decision.Allowed)
            {
                throw new InvalidOperationException("A bucket that never refuses refused.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.Dispose();
        _redis.Kill();
        _redis.WaitForExit();
        _redis.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class DecisionsPerSecond : ManualConfig
    {
        public DecisionsPerSecond() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}
