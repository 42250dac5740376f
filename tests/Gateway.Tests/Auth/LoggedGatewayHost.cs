using Maestro.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>A gateway whose every log line, at every level and from every category, is kept for inspection.</summary>
public sealed class LoggedGatewayHost() : ConfiguredGatewayHost(new Dictionary<string, string>
{
    ["Logging:LogLevel:Default"] = "Trace",
    ["Logging:LogLevel:Microsoft"] = "Trace",
    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
    ["Logging:LogLevel:Yarp"] = "Trace",
    ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
    ["Gateway:Auth:LastUsedFlushInterval"] = "00:00:00.100",
})
{
    private readonly CapturedLogs _logs = new();

    /// <summary>Every message and exception logged so far.</summary>
    public IReadOnlyCollection<string> Lines => _logs.Lines;

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(_logs)));
}
