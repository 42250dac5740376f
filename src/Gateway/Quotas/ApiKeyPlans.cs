using Maestro.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// The plan names a key may have: those configured under <c>Gateway:Quotas:Plans</c> (a section per
/// plan, or a list of entries with a <c>Name</c>), else <c>free</c> and <c>pro</c>; <c>unlimited</c> always.
/// A key without a plan is on the quotas' own default plan (<see cref="QuotaOptions.DefaultPlan"/>).
/// </summary>
internal sealed class ApiKeyPlans(IConfiguration configuration, IOptionsMonitor<QuotaOptions> quotas)
{
    public const string SectionName = "Gateway:Quotas:Plans";

    private static readonly string[] Defaults = [.. new QuotaOptions().Plans.Keys];

    public IReadOnlyList<string> Names
    {
        get
        {
            var configured = configuration.GetSection(SectionName).GetChildren()
                .Select(plan => plan["Name"] is { Length: > 0 } name ? name : plan.Key)
                .ToList();
            return [.. (configured.Count > 0 ? configured : [.. Defaults]).Append(GatewayClaims.UnlimitedPlan).Distinct(StringComparer.Ordinal)];
        }
    }

    public bool IsKnown(string plan) => Names.Contains(plan, StringComparer.Ordinal);

    /// <summary>The plan a key is on: its own, or the quotas' default plan when it names none.</summary>
    public string Effective(string? plan) => string.IsNullOrEmpty(plan) ? quotas.CurrentValue.DefaultPlan : plan;
}
