using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// Stops the gateway at start-up with a message naming the quota setting that is wrong (a running
/// gateway never finds out later). Redis's connection string is checked by ServiceDefaults.
/// </summary>
internal sealed class QuotaOptionsValidator : IValidateOptions<QuotaOptions>
{
    public ValidateOptionsResult Validate(string? name, QuotaOptions options)
    {
        var errors = new List<string>();
        foreach (var (plan, limits) in options.Plans)
        {
            var setting = $"{QuotaOptions.SectionName}:Plans:{plan}";
            if (plan == QuotaOptions.UnlimitedPlan)
            {
                errors.Add($"{setting}: '{QuotaOptions.UnlimitedPlan}' is reserved for callers without a quota; choose another plan name.");
            }

            if (limits.RequestsPerMinute < 1)
            {
                errors.Add($"{setting}:RequestsPerMinute must be at least 1 (it is {limits.RequestsPerMinute}).");
            }

            if (limits.Burst < 1)
            {
                errors.Add($"{setting}:Burst must be at least 1 (it is {limits.Burst}).");
            }
        }

        if (options.DefaultPlan != QuotaOptions.UnlimitedPlan && !options.Plans.ContainsKey(options.DefaultPlan))
        {
            errors.Add($"{QuotaOptions.SectionName}:DefaultPlan names '{options.DefaultPlan}', which is not among the plans ({string.Join(", ", options.Plans.Keys)}).");
        }

        if (options.RedisTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{QuotaOptions.SectionName}:RedisTimeout must be positive.");
        }

        if (options.RedisBreakDuration < TimeSpan.Zero)
        {
            errors.Add($"{QuotaOptions.SectionName}:RedisBreakDuration must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
