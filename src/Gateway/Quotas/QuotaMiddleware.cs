using System.Globalization;
using Maestro.Gateway.Errors;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// Decides each request against its caller's bucket, after authentication and authorization: callers
/// without a quota (<see cref="QuotaPolicies"/>) pass untouched; the others are decided at the request's
/// cost (<see cref="BatchCost"/>) by the <see cref="QuotaDecider"/> — synchronously from a lease when
/// the caller is busy, else with one awaited script call to Redis — and every decision is written into
/// the response's <c>RateLimit</c> headers. A refusal is a 429 problem (<c>{"error"}</c> under
/// <c>/v2</c>) that says why, with <c>Retry-After</c> when waiting helps.
/// </summary>
internal sealed class QuotaMiddleware(RequestDelegate next, QuotaPolicies policies, BatchCost costs, QuotaDecider decider)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (policies.Resolve(context) is not { } subject)
        {
            return next(context);
        }

        if (!BatchCost.AppliesTo(context.Request))
        {
            var deciding = decider.DecideAsync(subject, 1);
            return deciding.IsCompletedSuccessfully ? Continue(context, subject.Limit, deciding.Result) : AwaitDecisionAsync(context, subject.Limit, deciding);
        }

        return DecideBatchAsync(context, subject);
    }

    private async Task AwaitDecisionAsync(HttpContext context, QuotaLimit limit, ValueTask<QuotaDecision> deciding) =>
        await Continue(context, limit, await deciding);

    private async Task DecideBatchAsync(HttpContext context, QuotaSubject subject)
    {
        var limit = subject.Limit;
        var cost = await costs.OfAsync(context);
        if (cost > limit.Burst)
        {
            await RefuseAsync(context, null,
                $"This request costs {cost} requests of quota (one per batch item), more than the {limit.Burst} that plan "
                + $"'{limit.Policy}' allows at once; send batches of at most {limit.Burst} items.");
            return;
        }

        await Continue(context, limit, await decider.DecideAsync(subject, cost));
    }

    private Task Continue(HttpContext context, QuotaLimit limit, QuotaDecision decision)
    {
        RateLimitHeaders.Write(context.Response, limit, decision);
        if (decision.Allowed)
        {
            return next(context);
        }

        var seconds = Math.Max(1, RateLimitHeaders.Seconds(decision.RetryAfterMs));
        return RefuseAsync(context, seconds,
            $"The quota of plan '{limit.Policy}' ({limit.RequestsPerMinute} requests per minute, bursts of {limit.Burst}) is used up; "
            + $"retry in {seconds} s.");
    }

    private static Task RefuseAsync(HttpContext context, long? retryAfterSeconds, string detail)
    {
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return GatewayErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, detail);
    }
}
