using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maestro.AppHost.Discovery;

/// <summary>
/// The address of every serving replica of a replicated project, written as service-discovery
/// configuration (<c>{"services": {"worker": {"http": ["http://127.0.0.1:41001", …]}}}</c>) to a file
/// a consumer loads with reload on change.
/// </summary>
/// <remarks>
/// Aspire puts one proxy in front of a project's replicas and refuses proxy-less endpoints with
/// replicas; a gateway given only the proxy's address sees one destination, so its load balancing,
/// passive health checks and retry on another replica would see none of them. This file hands the
/// gateway each replica's own address instead, and follows restarts (a restarted replica gets a new
/// port). A replica is listed from the moment it is Running and has been healthy, until it stops.
/// </remarks>
internal sealed partial class ReplicaEndpoints(IResource project, string serviceName, string path)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _serving = new(StringComparer.Ordinal);
    private string? _written;

    public IResource Project { get; } = project;

    public string Path { get; } = path;

    /// <summary>Takes one replica's state into account; rewrites the file when the serving set changed.</summary>
    public void Observe(string replicaId, CustomResourceSnapshot snapshot) =>
        Observe(replicaId, snapshot.State?.Text, snapshot.HealthStatus,
            AddressOf(snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value));

    public void Observe(string replicaId, string? state, HealthStatus? health, string? address)
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
            var addresses = _serving.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (JsonNode?)r.Value).ToArray();
            var document = new JsonObject
            {
                ["services"] = new JsonObject { [serviceName] = new JsonObject { ["http"] = new JsonArray(addresses) } },
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
    /// The replica's own address, from the <c>ASPNETCORE_URLS</c> Aspire gave it (its own port, not
    /// the proxy's), on 127.0.0.1.
    /// </summary>
    internal static string? AddressOf(string? aspNetCoreUrls)
    {
        foreach (var url in aspNetCoreUrls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
        {
            var match = HttpUrl().Match(url);
            if (match.Success)
            {
                var host = match.Groups["host"].Value;
                host = host is "localhost" or "+" or "*" or "0.0.0.0" or "[::]" ? "127.0.0.1" : host;
                return $"http://{host}:{match.Groups["port"].Value}";
            }
        }

        return null;
    }

    [GeneratedRegex(@"^http://(?<host>\[[^\]]+\]|[^:/\[]+):(?<port>\d{1,5})/?$", RegexOptions.IgnoreCase)]
    private static partial Regex HttpUrl();
}
