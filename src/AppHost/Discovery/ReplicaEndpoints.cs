using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maestro.AppHost.Discovery;

/// <summary>
/// The address of every serving replica of a replicated project, written as service-discovery
/// configuration (<c>{"services": {"worker": {"http": ["http://127.0.0.1:41001", …], "h2c": [...]}}}</c>)
/// to a file a consumer loads with reload on change. <c>h2c</c> lists the replicas' HTTP/2 endpoints when
/// the project has one: the port named by its <paramref name="http2PortVariable"/>.
/// </summary>
/// <remarks>
/// Aspire puts one proxy in front of a project's replicas and refuses proxy-less endpoints with
/// replicas; a gateway given only the proxy's address sees one destination, so its load balancing,
/// passive health checks and retry on another replica would see none of them. This file hands the
/// gateway each replica's own address instead, and follows restarts (a restarted replica gets a new
/// port). A replica is listed from the moment it is Running and has been healthy, until it stops.
/// </remarks>
internal sealed partial class ReplicaEndpoints(IResource project, string serviceName, string path, string? http2PortVariable = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReplicaAddress> _serving = new(StringComparer.Ordinal);
    private string? _written;

    public IResource Project { get; } = project;

    public string Path { get; } = path;

    /// <summary>Takes one replica's state into account; rewrites the file when the serving set changed.</summary>
    public void Observe(string replicaId, CustomResourceSnapshot snapshot)
    {
        var urls = snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value;
        var http2Port = http2PortVariable is null ? null
            : int.TryParse(snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == http2PortVariable)?.Value, out var port) ? port : (int?)null;
        Observe(replicaId, snapshot.State?.Text, snapshot.HealthStatus,
            AddressOf(urls, http2Port) is { } http ? new ReplicaAddress(http, http2Port is { } h2 ? AddressOn(urls, h2) : null) : null);
    }

    public void Observe(string replicaId, string? state, HealthStatus? health, string? address) =>
        Observe(replicaId, state, health, address is null ? null : new ReplicaAddress(address, null));

    public void Observe(string replicaId, string? state, HealthStatus? health, ReplicaAddress? address)
    {
        lock (_lock)
        {
            if (state != KnownResourceStates.Running)
            {
                _serving.Remove(replicaId);
            }
            else if (health == HealthStatus.Healthy && address is not null)
            {
                _serving[replicaId] = address;
            }

            Write();
        }
    }

    public int Serving
    {
        get
        {
            lock (_lock)
            {
                return _serving.Count;
            }
        }
    }

    /// <summary>
    /// Writes the file once <paramref name="replicas"/> replicas serve, or as it stands after
    /// <paramref name="timeout"/> (a consumer started then still finds the file and follows it).
    /// </summary>
    public async Task WriteWhenServingAsync(int replicas, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Serving < replicas && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        Write();
    }

    /// <summary>Writes the file as it stands (also when nothing is serving yet, so a consumer finds it).</summary>
    public void Write()
    {
        lock (_lock)
        {
            var replicas = _serving.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value).ToArray();
            var endpoints = new JsonObject { ["http"] = new JsonArray(replicas.Select(r => (JsonNode?)r.Http).ToArray()) };
            if (http2PortVariable is not null)
            {
                endpoints["h2c"] = new JsonArray(replicas.Where(r => r.Http2 is not null).Select(r => (JsonNode?)r.Http2).ToArray());
            }

            var document = new JsonObject
            {
                ["services"] = new JsonObject { [serviceName] = endpoints },
            }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            if (document == _written)
            {
                return;
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var scratch = $"{Path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(scratch, document);
            File.Move(scratch, Path, overwrite: true);
            _written = document;
        }
    }

    /// <summary>
    /// The replica's own HTTP/1.1 address, from the <c>ASPNETCORE_URLS</c> Aspire gave it (its own port,
    /// not the proxy's; not <paramref name="http2Port"/>), on 127.0.0.1.
    /// </summary>
    internal static string? AddressOf(string? aspNetCoreUrls, int? http2Port = null) =>
        Addresses(aspNetCoreUrls).FirstOrDefault(address => address.Port != http2Port).Address;

    /// <summary>The replica's own address on <paramref name="port"/>, when <c>ASPNETCORE_URLS</c> lists it.</summary>
    internal static string? AddressOn(string? aspNetCoreUrls, int port) =>
        Addresses(aspNetCoreUrls).FirstOrDefault(address => address.Port == port).Address;

    private static IEnumerable<(string Address, int Port)> Addresses(string? aspNetCoreUrls)
    {
        foreach (var url in aspNetCoreUrls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
        {
            var match = HttpUrl().Match(url);
            if (match.Success)
            {
                var host = match.Groups["host"].Value;
                host = host is "localhost" or "+" or "*" or "0.0.0.0" or "[::]" ? "127.0.0.1" : host;
                var port = match.Groups["port"].Value;
                yield return ($"http://{host}:{port}", int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    [GeneratedRegex(@"^http://(?<host>\[[^\]]+\]|[^:/\[]+):(?<port>\d{1,5})/?$", RegexOptions.IgnoreCase)]
    private static partial Regex HttpUrl();
}
