using System.Net;
using System.Net.Sockets;

namespace Maestro.AppHost.Configuration;

/// <summary>
/// What the Aspire dashboard needs to run on a laptop without an HTTPS development certificate or a
/// login token: plain-HTTP endpoints (the dashboard on <c>--dashboard-port</c>, OTLP and the resource
/// service on free ports) and anonymous access; and an AppHost that exits only once DCP has stopped
/// every resource; one-line console logs. Handed to Aspire as configuration; whatever the environment (or the <c>http</c>
/// launch profile) already sets is kept, except the dashboard's URL, which <c>--dashboard-port</c> decides.
/// </summary>
internal static class LocalDashboard
{
    public const string AllowAnonymous = "ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS";

    public static string[] Configuration(AppHostOptions options)
    {
        var settings = new List<string> { $"ASPNETCORE_URLS=http://localhost:{options.DashboardPort}" };
        void Default(string key, Func<string> value)
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(key.Replace(":", "__", StringComparison.Ordinal))))
            {
                settings.Add($"{key}={value()}");
            }
        }

        Default("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", () => $"http://localhost:{FreePort()}");
        Default("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", () => $"http://localhost:{FreePort()}");
        Default("ASPIRE_ALLOW_UNSECURED_TRANSPORT", () => "true");
        Default(AllowAnonymous, () => "true");
        Default("DcpPublisher:WaitForResourceCleanup", () => "true");
        // One line per message on the console, services' lines included (EnableResourceLogging).
        Default("Logging:Console:FormatterName", () => "simple");
        Default("Logging:Console:FormatterOptions:SingleLine", () => "true");
        Default("Logging:Console:FormatterOptions:TimestampFormat", () => "HH:mm:ss ");
        Default("Logging:LogLevel:Aspire.Hosting.Dcp", () => "Warning");
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")))
        {
            settings.Add("environment=Development");
        }

        return [.. settings];
    }

    /// <summary>Whether nothing listens on <paramref name="port"/> yet (on any local address).</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
