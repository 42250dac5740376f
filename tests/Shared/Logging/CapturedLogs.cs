using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Maestro.Testing;

/// <summary>
/// Keeps every entry logged through it, at every level and from every category — level, category,
/// message, structured values and exception on one line — for tests that look at what a service logged.
/// Linked into the test projects that have logging (it is outside <c>Shared/*.cs</c>, which every test
/// project compiles).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Line)> _entries = new();

    /// <summary>Every line logged so far.</summary>
    public IReadOnlyList<string> Lines => [.. _entries.Select(entry => entry.Line)];

    /// <summary>The lines logged so far at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<string> AtLeast(LogLevel level) => [.. _entries.Where(entry => entry.Level >= level).Select(entry => entry.Line)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join(' ', values.Select(v => $"{v.Key}={v.Value}"))
                : "";
            entries.Enqueue((logLevel, $"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}"));
        }
    }
}
