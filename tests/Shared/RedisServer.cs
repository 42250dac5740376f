using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Maestro.Testing;

/// <summary>
/// A real, throw-away <c>redis-server</c> on a free loopback port, without persistence. Tests that
/// need Redis down and back again call <see cref="StopAsync"/> and <see cref="StartAsync"/>; the port
/// stays the same so clients reconnect on their own.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Starts a server on a free port. A port found free can be taken by another test process before
    /// redis-server binds it (then redis-server exits): such a start is tried again on another port.
    /// </summary>
    public static async Task<RedisServer> StartNewAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(FreePorts.Next());
            try
            {
                await server.StartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server._process is { HasExited: true })
            {
                await server.StopAsync();
            }
        }
    }

    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var path = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "redis-server is not installed; the README's test command installs it (apt-get install redis-server).");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await PingAsync())
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port}.");
            }

            await Task.Delay(50);
        }
    }

    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task<bool> PingAsync() => await TryCommandAsync(Port, "PING") == "+PONG";

    /// <summary>Sends one command to the Redis on <paramref name="port"/>; the reply, or <c>null</c> when nothing answers.</summary>
    public static async Task<string?> TryCommandAsync(int port, params string[] parts)
    {
        try
        {
            return await CommandAsync(port, parts);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return null;
        }
    }

    /// <summary>Sends one command in RESP and returns the reply without its final CRLF (e.g. <c>+OK</c>, <c>$4\r\nkept</c>).</summary>
    public static async Task<string> CommandAsync(int port, params string[] parts)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var request = new StringBuilder($"*{parts.Length}\r\n");
        foreach (var part in parts)
        {
            request.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        return Encoding.UTF8.GetString(buffer, 0, read).TrimEnd('\r', '\n');
    }
}
