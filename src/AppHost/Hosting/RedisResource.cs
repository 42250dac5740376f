using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Maestro.AppHost.Hosting;

/// <summary>
/// A throw-away <c>redis-server</c> on a free loopback port, without persistence. When
/// <c>redis-server</c> is not installed the resource is unavailable: the gateway then keeps quotas in
/// memory.
/// </summary>
public sealed class RedisResource(string name) : Resource(name)
{
    public string? ServerPath { get; } = FindOnPath("redis-server");

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
        foreach (var argument in new[] { "--port", replica.Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" })
        {
            info.ArgumentList.Add(argument);
        }

        return info;
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
