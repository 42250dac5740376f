using Maestro.ServiceDefaults;
using Maestro.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// Decides one request against its bucket: on the count every replica shares (Redis) when it answers
/// within <see cref="QuotaOptions.RedisTimeout"/>, else on this instance's own bucket with the same
/// numbers. While Redis is disconnected nothing is sent to it; a call that fails or times out opens
/// the <see cref="RedisCircuit"/> for <see cref="QuotaOptions.RedisBreakDuration"/>. Every fallback is
/// counted, an outage is logged once (and once more when the shared count resumes), and neither ever
/// fails or holds up the request.
/// </summary>
internal sealed partial class QuotaDecider
{
    private readonly RedisConnection _redis;
    private readonly RedisTokenBuckets _shared;
    private readonly LocalTokenBuckets _local;
    private readonly RedisCircuit _circuit;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly GatewayTelemetry _telemetry;
    private readonly ILogger<QuotaDecider> _logger;
    private int _fallingBack;

    public QuotaDecider(
        RedisConnection redis,
        RedisTokenBuckets shared,
        LocalTokenBuckets local,
        TimeProvider time,
        IOptions<QuotaOptions> options,
        GatewayTelemetry telemetry,
        ILogger<QuotaDecider> logger)
    {
        (_redis, _shared, _local, _time, _telemetry, _logger) = (redis, shared, local, time, telemetry, logger);
        _timeout = options.Value.RedisTimeout;
        _circuit = new RedisCircuit(time, options.Value.RedisBreakDuration);
    }

    public async ValueTask<QuotaDecision> DecideAsync(QuotaSubject subject, long cost)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_redis.IsConfigured)
        {
            if (_redis.Database is not { } database)
            {
                Fallback("disconnected", null);
            }
            else if (_circuit.TryEnter())
            {
                var taking = _shared.TakeAsync(database, subject.Partition, subject.Limit, cost, now);
                try
                {
                    var decision = await taking.WaitAsync(_timeout);
                    _circuit.Succeeded();
                    if (Volatile.Read(ref _fallingBack) == 1 && Interlocked.Exchange(ref _fallingBack, 0) == 1)
                    {
                        LogResumed(_logger);
                    }

                    return Record(subject, decision);
                }
                catch (TimeoutException exception)
                {
                    // The command may still end later; observe it so its fault is not reported as unobserved.
                    _ = taking.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    _circuit.Failed();
                    Fallback("timeout", exception);
                }
                catch (Exception exception)
                {
                    // Whatever Redis (or the connection to it) did, the request is decided locally.
                    _circuit.Failed();
                    Fallback("error", exception);
                }
            }
        }

        return Record(subject, _local.Take(subject.Partition, subject.Limit, cost, now));
    }

    private void Fallback(string reason, Exception? exception)
    {
        _telemetry.QuotaRedisFallback(reason);
        if (Volatile.Read(ref _fallingBack) == 0 && Interlocked.Exchange(ref _fallingBack, 1) == 0)
        {
            LogFallingBack(_logger, reason, exception);
        }
    }

    private QuotaDecision Record(QuotaSubject subject, QuotaDecision decision)
    {
        _telemetry.QuotaDecided(subject.Plan, decision.Allowed, decision.Shared);
        return decision;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis is unavailable for quotas ({Reason}): each gateway instance counts on its own until it is back.")]
    private static partial void LogFallingBack(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is back: quotas are counted across every gateway instance again.")]
    private static partial void LogResumed(ILogger logger);
}
