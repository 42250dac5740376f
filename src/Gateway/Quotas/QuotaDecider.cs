using System.Collections.Concurrent;
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
/// fails or holds up the request. A busy caller is decided from this replica's lease of tokens taken
/// ahead from the shared count (<see cref="QuotaLeases"/>) without a call to Redis; what a lease did not
/// use goes back to Redis once it expires. A caller the shared count refused is refused from memory
/// until the <c>Retry-After</c> it was given (for a cost no smaller, on the same limit), so a client
/// hammering past its quota costs Redis one call per wait, not one per request.
/// </summary>
internal sealed partial class QuotaDecider
{
    private readonly RedisConnection _redis;
    private readonly RedisTokenBuckets _shared;
    private readonly LocalTokenBuckets _local;
    private readonly QuotaLeases _leases = new();
    private readonly ConcurrentDictionary<string, StoreCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Refusal> _refusals = new(StringComparer.Ordinal);
    private readonly RedisCircuit _circuit;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly GatewayTelemetry _telemetry;
    private readonly ILogger<QuotaDecider> _logger;
    private int _fallingBack;

    /// <summary>How often expired leases are looked for, at most (quota-clock ms).</summary>
    private const long LeaseSweepIntervalMs = 1_000;

    private readonly SweepSchedule _leaseSweeps = new(LeaseSweepIntervalMs);

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

    /// <summary>Leases held now (one per busy caller).</summary>
    internal int LeaseCount => _leases.Count;

    public ValueTask<QuotaDecision> DecideAsync(QuotaSubject subject, long cost)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        SweepLeases(now);
        if (_leases.TryTake(subject.Partition, cost, now, out var remaining))
        {
            return ValueTask.FromResult(Leased(subject, remaining));
        }

        return Refused(subject, cost, now) is { } refused
            ? ValueTask.FromResult(Record(subject, refused))
            : DecideOnStoreAsync(subject, cost, now);
    }

    /// <summary>Callers refused by the shared count whose wait is not over yet.</summary>
    internal int RefusalCount => _refusals.Count;

    /// <summary>The shared count's refusal of this caller, while the wait it gave has not passed.</summary>
    private QuotaDecision? Refused(QuotaSubject subject, long cost, long now)
    {
        if (!_refusals.TryGetValue(subject.Partition, out var refusal))
        {
            return null;
        }

        if (now >= refusal.UntilMs)
        {
            _refusals.TryRemove(new KeyValuePair<string, Refusal>(subject.Partition, refusal));
            return null;
        }

        if (refusal.Limit != subject.Limit || cost < refusal.Cost)
        {
            return null;
        }

        var waited = now - refusal.AtMs;
        return refusal.Decision with
        {
            RetryAfterMs = refusal.UntilMs - now,
            FullAfterMs = Math.Max(0, refusal.Decision.FullAfterMs - waited),
            TakenAhead = 0,
        };
    }

    /// <summary>
    /// One call to the store at a time per caller: a request that finds one under way waits for it and
    /// then takes from the lease it filled — or shares its refusal, made a moment ago for a cost no
    /// larger — so a burst of requests arriving together costs one call, not one each.
    /// </summary>
    private async ValueTask<QuotaDecision> DecideOnStoreAsync(QuotaSubject subject, long cost, long now)
    {
        var partition = subject.Partition;
        while (true)
        {
            if (_calls.TryGetValue(partition, out var pending))
            {
                var earlier = await pending.Decision.Task;
                if (!earlier.Allowed && cost >= pending.Cost)
                {
                    return Record(subject, earlier with { TakenAhead = 0 });
                }

                if (_leases.TryTake(partition, cost, now, out var remaining))
                {
                    return Leased(subject, remaining);
                }

                continue;
            }

            var call = new StoreCall(cost);
            if (!_calls.TryAdd(partition, call))
            {
                continue;
            }

            try
            {
                var decision = await CallStoreAsync(subject, cost, now);
                call.Decision.SetResult(decision);
                return decision;
            }
            catch (Exception exception)
            {
                call.Decision.SetException(exception);
                throw;
            }
            finally
            {
                _calls.TryRemove(new KeyValuePair<string, StoreCall>(partition, call));
            }
        }
    }

    private QuotaDecision Leased(QuotaSubject subject, long remaining)
    {
        var limit = subject.Limit;
        var fullAfter = (limit.CapacityUnits - Math.Min(limit.Burst, remaining) * QuotaLimit.UnitsPerToken + limit.RequestsPerMinute - 1) / limit.RequestsPerMinute;
        return Record(subject, new QuotaDecision(true, remaining, 0, fullAfter, Shared: true));
    }

    private async Task<QuotaDecision> CallStoreAsync(QuotaSubject subject, long cost, long now)
    {
        if (_redis.IsConfigured)
        {
            if (_redis.Database is not { } database)
            {
                Fallback("disconnected", null);
            }
            else if (_circuit.TryEnter())
            {
                var taking = _shared.TakeAsync(database, subject.Partition, subject.Limit, cost, now,
                    QuotaLeases.AheadTokens, _leases.TakeLeftover(subject.Partition, now));
                try
                {
                    var decision = await taking.WaitAsync(_timeout);
                    _circuit.Succeeded();
                    if (Volatile.Read(ref _fallingBack) == 1 && Interlocked.Exchange(ref _fallingBack, 0) == 1)
                    {
                        LogResumed(_logger);
                    }

                    _leases.Add(subject.Partition, subject.Limit, decision.TakenAhead, decision.Remaining, now);
                    if (!decision.Allowed && decision.RetryAfterMs > 0)
                    {
                        _refusals[subject.Partition] = new Refusal(subject.Limit, cost, now, now + decision.RetryAfterMs, decision);
                    }
                    return Record(subject, decision with { Remaining = decision.Remaining + decision.TakenAhead });
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

    /// <summary>Hands the leftovers of expired leases back to Redis (in the background; a failure only loses them).</summary>
    private void SweepLeases(long now)
    {
        if (!_leaseSweeps.TryStart(now))
        {
            return;
        }

        foreach (var (partition, refusal) in _refusals)
        {
            if (now >= refusal.UntilMs)
            {
                _refusals.TryRemove(new KeyValuePair<string, Refusal>(partition, refusal));
            }
        }

        if (_leases.Count == 0)
        {
            return;
        }

        var leftovers = _leases.Sweep(now);
        if (leftovers.Count > 0 && _redis.Database is { } database)
        {
            _ = HandBackAsync(database, leftovers, now);
        }
    }

    private async Task HandBackAsync(StackExchange.Redis.IDatabase database, List<(string Partition, QuotaLimit Limit, long Tokens)> leftovers, long now)
    {
        foreach (var (partition, limit, tokens) in leftovers)
        {
            try
            {
                // Costs nothing, takes nothing ahead; the bucket never fills past its capacity.
                await _shared.TakeAsync(database, partition, limit, 0, now, 0, tokens);
            }
            catch (Exception)
            {
                // Lost tokens only make the count stricter; the bucket refills on its own.
            }
        }
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

    /// <summary>A refusal of the shared count: for which limit and cost, when, until when, and what it said.</summary>
    private sealed record Refusal(QuotaLimit Limit, long Cost, long AtMs, long UntilMs, QuotaDecision Decision);

    /// <summary>A call to the store under way for one caller, and the cost it asked for.</summary>
    private sealed class StoreCall(long cost)
    {
        public long Cost { get; } = cost;

        public TaskCompletionSource<QuotaDecision> Decision { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis is unavailable for quotas ({Reason}): each gateway instance counts on its own until it is back.")]
    private static partial void LogFallingBack(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is back: quotas are counted across every gateway instance again.")]
    private static partial void LogResumed(ILogger logger);
}
