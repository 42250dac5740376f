using System.Threading.RateLimiting;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// The gateway's global limiter for ASP.NET Core's rate-limiting middleware, partitioned by key id.
/// Callers without a quota pass synchronously; the others are decided asynchronously against their
/// bucket (<see cref="QuotaDecider"/>), at the request's cost (<see cref="BatchCost"/>), and every
/// decision is written into the response's <c>RateLimit</c> headers.
/// </summary>
internal sealed class QuotaRateLimiter(QuotaPolicies policies, BatchCost costs, QuotaDecider decider) : PartitionedRateLimiter<HttpContext>
{
    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        policies.Resolve(resource) is null ? QuotaLease.Acquired : QuotaLease.Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        if (policies.Resolve(resource) is not { } subject)
        {
            return QuotaLease.Acquired;
        }

        var limit = subject.Limit;
        var cost = await costs.OfAsync(resource);
        if (cost > limit.Burst)
        {
            return QuotaLease.Refused(
                $"This request costs {cost} requests of quota (one per batch item), more than the {limit.Burst} that plan "
                + $"'{limit.Policy}' allows at once; send batches of at most {limit.Burst} items.",
                retryAfter: null);
        }

        var decision = await decider.DecideAsync(subject, cost);
        RateLimitHeaders.Write(resource.Response, limit, decision);
        if (decision.Allowed)
        {
            return QuotaLease.Acquired;
        }

        var seconds = Math.Max(1, RateLimitHeaders.Seconds(decision.RetryAfterMs));
        return QuotaLease.Refused(
            $"The quota of plan '{limit.Policy}' ({limit.RequestsPerMinute} requests per minute, bursts of {limit.Burst}) is used up; "
            + $"retry in {seconds} s.",
            TimeSpan.FromSeconds(seconds));
    }
}
