using System.Diagnostics;

namespace Maestro.AppHost.Hosting;

/// <summary>
/// A Maestro service started as <c>dotnet Maestro.X.dll</c> from its build output, configured only
/// through Aspire's environment conventions: <c>ASPNETCORE_URLS</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>services__name__http__i</c> and <c>ConnectionStrings__name</c>.
/// </summary>
public sealed class ProjectResource(string name, ServiceProject project, HttpClient probeClient) : Resource(name)
{
    public const string HealthPath = "/health";

    public ServiceProject Project { get; } = project;

    public override ProcessStartInfo CreateStartInfo(Replica replica)
    {
        var assembly = Project.AssemblyPath;
        var info = new ProcessStartInfo(DotnetHost.Path)
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);

        var host = FixedPort is null ? "127.0.0.1" : PublicHost;
        var env = info.Environment;
        env["ASPNETCORE_URLS"] = $"http://{host}:{replica.Port}";
        env["ASPNETCORE_ENVIRONMENT"] = "Development";
        env["DOTNET_ENVIRONMENT"] = "Development";
        env["OTEL_SERVICE_NAME"] = Name;
        env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={replica.Name}";
        env["MAESTRO_PARENT_PID"] = Environment.ProcessId.ToString();
        env["Logging__Console__FormatterName"] = "simple";
        env["Logging__Console__FormatterOptions__SingleLine"] = "true";
        env["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss ";
        env["DOTNET_gcServer"] = "0";

        foreach (var reference in References.Where(r => r.IsAvailable))
        {
            foreach (var (variable, value) in reference.ConnectionVariables())
            {
                env[variable] = value;
            }
        }

        foreach (var (variable, value) in EnvironmentFor(replica.Index))
        {
            env[variable] = value;
        }

        return info;
    }

    public override async Task<bool> ProbeAsync(Replica replica, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await probeClient.GetAsync($"{replica.Url}{HealthPath}", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public override IEnumerable<(string Name, string Value)> ConnectionVariables() =>
        Replicas.Select(replica => ($"services__{Name}__http__{replica.Index}", replica.Url));
}

/// <summary>The <c>dotnet</c> executable that runs the AppHost, so the services use the same runtime.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var current = Environment.ProcessPath;
        if (current is not null && System.IO.Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
