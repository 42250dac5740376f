using System.Collections.Concurrent;
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
    private readonly CapturingLoggerProvider _logs = new();

    /// <summary>Every message and exception logged so far.</summary>
    public IReadOnlyCollection<string> Lines => _logs.Lines;

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(_logs)));

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var structured = state is IEnumerable<KeyValuePair<string, object?>> values
                    ? string.Join(' ', values.Select(v => $"{v.Key}={v.Value}"))
                    : "";
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}");
            }
        }
    }
}
