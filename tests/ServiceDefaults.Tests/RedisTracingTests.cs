using System.Collections.Concurrent;
using System.Diagnostics;
using Maestro.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using OpenTelemetry.Trace;

namespace Maestro.ServiceDefaults.Tests;

/// <summary>Redis commands on the service's one connection become spans, against a real <c>redis-server</c>.</summary>
public sealed class RedisTracingTests
{
    private static readonly ActivitySource Source = new("Maestro.Tests.RedisTracing");

    [Fact]
    public async Task AddServiceDefaults_RedisCommandInARequest_RecordsAChildSpanNamingTheCommand()
    {
        await using var server = await RedisServer.StartNewAsync();
        var spans = new ConcurrentQueue<Activity>();
        await using var app = await TestApp.StartAsync(builder =>
        {
            builder.Configuration["ConnectionStrings:redis"] = server.ConnectionString;
            // Every trace kept: the sampler's 10 a second are counted over every test's HTTP activity in
            // this process, so under the default this request could be the 11th and go unrecorded.
            builder.Configuration["Telemetry:Traces:SampleRatio"] = "1";
            // The instrumentation turns profiled commands into spans on a timer: shorter here than its default.
            builder.Services.Configure<StackExchangeRedisInstrumentationOptions>(options => options.FlushInterval = TimeSpan.FromMilliseconds(100));
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(Source.Name).AddProcessor(new Recorder(spans)));
        });
        var redis = app.Services.GetRequiredService<RedisConnection>();
        await redis.GetMultiplexerAsync().WaitAsync(TimeSpan.FromSeconds(30));

        ActivitySpanId parentId;
        ActivityTraceId traceId;
        using (var parent = Source.StartActivity("request")!)
        {
            (parentId, traceId) = (parent.SpanId, parent.TraceId);
            await redis.Database!.StringSetAsync("maestro:traced", "yes");
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        Activity? span;
        // The instrumentation's ActivitySource is shared by every service in this process: another test's
        // SET (on its own connection, outside any request) reaches this recorder too, so look in this trace.
        while ((span = spans.FirstOrDefault(s => s.DisplayName == "SET" && s.TraceId == traceId)) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(span is not null, "No SET span in the request's trace; recorded: "
            + string.Join(", ", spans.Select(s => $"{s.Source.Name}:{s.DisplayName} (trace {s.TraceId}, parent {s.ParentSpanId})")));
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(parentId, span.ParentSpanId);
        Assert.Contains(span.TagObjects, tag => tag.Key.StartsWith("db.system", StringComparison.Ordinal) && Equals(tag.Value, "redis"));
    }

    /// <summary>Keeps every span that ends.</summary>
    private sealed class Recorder(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}
