namespace Maestro.Gateway.Auth;

/// <summary>
/// The plan names a key may have: those configured under <c>Gateway:Quotas:Plans</c> (a section per
/// plan, or a list of entries with a <c>Name</c>), else <c>free</c> and <c>pro</c>; <c>unlimited</c> always.
/// </summary>
internal sealed class ApiKeyPlans(IConfiguration configuration)
{
    public const string SectionName = "Gateway:Quotas:Plans";

    private static readonly string[] Defaults = [GatewayClaims.DefaultPlan, "pro"];

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
}
