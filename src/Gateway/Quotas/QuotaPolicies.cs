using Maestro.Gateway.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// Which bucket, if any, a request draws on. None for public endpoints (those that allow anonymous
/// callers), for callers without a key id, and for plan <c>unlimited</c> without an override. A plan
/// name the configuration does not know gets the default plan's limits: an unknown plan never means
/// no limit.
/// </summary>
internal sealed class QuotaPolicies(IOptionsMonitor<QuotaOptions> options)
{
    public QuotaSubject? Resolve(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return null;
        }

        var user = context.User;
        var partition = user.FindFirst(GatewayClaims.KeyId)?.Value;
        if (string.IsNullOrEmpty(partition))
        {
            return null;
        }

        var settings = options.CurrentValue;
        var plan = user.FindFirst(GatewayClaims.Plan)?.Value is { Length: > 0 } named ? named : settings.DefaultPlan;
        if (QuotaLimit.TryParseOverride(user.FindFirst(GatewayClaims.RateLimit)?.Value, out var custom))
        {
            return new QuotaSubject(partition, plan, custom);
        }

        if (plan == QuotaOptions.UnlimitedPlan)
        {
            return null;
        }

        if (!settings.Plans.TryGetValue(plan, out var limits))
        {
            plan = settings.DefaultPlan;
            if (!settings.Plans.TryGetValue(plan, out limits))
            {
                return null; // the default plan is "unlimited"
            }
        }

        return new QuotaSubject(partition, plan, new QuotaLimit(plan, limits.RequestsPerMinute, limits.Burst));
    }
}
