using Maestro.AppHost.Hosting;

namespace Maestro.AppHost.Dashboard;

/// <summary>
/// The local dashboard: <c>/</c> is a page listing every replica (refreshing itself),
/// <c>/api/resources</c> the same as JSON, <c>/api/resources/{replica}/logs</c> its recent output.
/// Bound to loopback only.
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app) => _app = app;

    public static async Task<DashboardServer> StartAsync(int port, DistributedApplication application)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port));
        var app = builder.Build();

        app.MapGet("/", () => Results.Content(DashboardPage.Render(Snapshot(application)), "text/html; charset=utf-8"));
        app.MapGet("/api/resources", () => Results.Json(Snapshot(application)));
        app.MapGet("/api/resources/{replica}/logs", (string replica, int? lines) =>
        {
            var found = application.Resources.SelectMany(r => r.Replicas).FirstOrDefault(r => r.Name == replica);
            return found is null
                ? Results.Problem(detail: $"No replica named '{replica}'.", statusCode: StatusCodes.Status404NotFound)
                : Results.Text(string.Join('\n', found.Logs.Tail(Math.Clamp(lines ?? 200, 1, 500))) + "\n");
        });

        await app.StartAsync();
        return new DashboardServer(app);
    }

    internal static IReadOnlyList<ReplicaView> Snapshot(DistributedApplication application)
    {
        var now = DateTimeOffset.UtcNow;
        return application.Resources
            .SelectMany(resource => resource.IsAvailable
                ? resource.Replicas.Select(r => new ReplicaView(
                    resource.Name, r.Name, r.Index, r.ProcessId, r.Port, r.State.ToString(), r.Health.ToString(), r.Restarts,
                    r.StartedAt is { } started && r.State == ReplicaState.Running ? Math.Round((now - started).TotalSeconds) : null,
                    resource is ProjectResource ? $"http://{resource.PublicHost}:{r.Port}/health" : null,
                    r.Logs.Tail(40)))
                : [new ReplicaView(resource.Name, resource.Name, 0, null, null, nameof(ReplicaState.Unavailable), nameof(ReplicaHealth.Unknown), 0, null, null, [])])
            .ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One replica as the dashboard shows it.</summary>
public sealed record ReplicaView(
    string Resource,
    string Replica,
    int Index,
    int? Pid,
    int? Port,
    string State,
    string Health,
    int Restarts,
    double? UptimeSeconds,
    string? Link,
    IReadOnlyList<string> RecentOutput);
