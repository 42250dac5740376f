using Maestro.ServiceDefaults;

namespace Maestro.Gateway.Quotas;

/// <summary>Wires quotas: plans from <c>Gateway:Quotas</c>, Redis from <c>ConnectionStrings:redis</c>.</summary>
internal static class QuotaExtensions
{
    public static void AddQuotas(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddValidatedOptions<QuotaOptions, QuotaOptionsValidator>(QuotaOptions.SectionName);
        services.AddSingleton<RedisTokenBuckets>();
        services.AddSingleton<LocalTokenBuckets>();
        services.AddSingleton<QuotaDecider>();
        services.AddSingleton<QuotaPolicies>();
        services.AddSingleton<BatchCost>();
        services.AddSingleton<ApiKeyPlans>();
    }

    /// <summary>After authentication and authorization: the quota needs to know the caller.</summary>
    public static IApplicationBuilder UseQuotas(this IApplicationBuilder app) => app.UseMiddleware<QuotaMiddleware>();
}
