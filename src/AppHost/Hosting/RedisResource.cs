using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Maestro.AppHost.Hosting;

/// <summary>
/// A <c>redis-server</c> on a free loopback port. Without a data directory it keeps nothing; with one
/// (<see cref="WithDataDirectory"/>) it appends every write to a file there, so what the platform keeps
/// in Redis — API keys above all — survives a restart. When <c>redis-server</c> is not installed the
/// resource is unavailable: the gateway then keeps quotas in memory and keys in a file.
/// </summary>
public sealed class RedisResource(string name) : Resource(name)
{
    private string? _dataDirectory;

    public string? ServerPath { get; } = FindOnPath("redis-server");

    /// <summary>Keep the data in <paramref name="path"/> (an append-only file, flushed every second).</summary>
    public RedisResource WithDataDirectory(string path)
    {
        _dataDirectory = Path.GetFullPath(path);
        return this;
    }

    public override bool IsAvailable => ServerPath is not null;

    public override ProcessStartInfo CreateStartInfo(Replica replica)
    {
        var info = new ProcessStartInfo(ServerPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(replica.Port))
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    internal IEnumerable<string> Arguments(int port)
    {
        string[] common = ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--protected-mode", "yes"];
        if (_dataDirectory is null)
        {
            return [.. common, "--appendonly", "no"];
        }

        Directory.CreateDirectory(_dataDirectory);
        return [.. common, "--dir", _dataDirectory, "--appendonly", "yes", "--appendfsync", "everysec"];
    }

    public override async Task<bool> ProbeAsync(Replica replica, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", replica.Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    public override IEnumerable<(string Name, string Value)> ConnectionVariables() =>
        Replicas.Select(replica => ($"ConnectionStrings__{Name}", $"127.0.0.1:{replica.Port}"));

    internal static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin")
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);
}
