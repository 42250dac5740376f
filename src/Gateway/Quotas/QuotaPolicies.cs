using Maestro.Gateway.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// Which bucket, if any, a request draws on. None for public endpoints (those that allow anonymous
/// callers), for callers without a key id, and for plan <c>unlimited</c> without an override. A plan
/// name the configuration does not know gets the default plan's limits: an unknown plan never means
/// no limit. A <see cref="GatewayPrincipal"/> keeps what was resolved for it while the settings stay
/// the same, so a cached API key's requests resolve without a look-up.
/// </summary>
internal sealed class QuotaPolicies(IOptionsMonitor<QuotaOptions> options)
{
    public QuotaSubject? Resolve(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return null;
        }

        var settings = options.CurrentValue;
        var user = context.User;
        if (user is not GatewayPrincipal caller)
        {
            return Resolve(settings, user.FindFirst(GatewayClaims.KeyId)?.Value, user.FindFirst(GatewayClaims.Plan)?.Value,
                user.FindFirst(GatewayClaims.RateLimit)?.Value);
        }

        if (caller.CachedQuota is Resolved resolved && ReferenceEquals(resolved.Settings, settings))
        {
            return resolved.Subject;
        }

        var subject = Resolve(settings, caller.KeyId, caller.Plan, caller.RateLimit);
        caller.CachedQuota = new Resolved(settings, subject);
        return subject;
    }

    private static QuotaSubject? Resolve(QuotaOptions settings, string? partition, string? namedPlan, string? rateLimit)
    {
        if (string.IsNullOrEmpty(partition))
        {
            return null;
        }

        var plan = namedPlan is { Length: > 0 } named ? named : settings.DefaultPlan;
        if (QuotaLimit.TryParseOverride(rateLimit, out var custom))
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

    private sealed record Resolved(QuotaOptions Settings, QuotaSubject? Subject);
}
