using System.Threading.RateLimiting;
using Maestro.Gateway.Errors;
using Maestro.ServiceDefaults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

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
        services.AddSingleton<QuotaRateLimiter>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = OnRejectedAsync;
        });
        services.AddOptions<RateLimiterOptions>().Configure<QuotaRateLimiter>((options, limiter) => options.GlobalLimiter = limiter);
    }

    /// <summary>After authentication and authorization: the quota needs to know the caller.</summary>
    public static IApplicationBuilder UseQuotas(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>429 as problem+json (V2 routes: <c>{"error"}</c>) saying why, with <c>Retry-After</c> when waiting helps.</summary>
    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var lease = context.Lease;
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.HttpContext.Response.Headers.RetryAfter = ((long)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var detail = lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason) ? reason : "The quota of this API key is used up.";
        await GatewayErrors.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, detail!);
    }
}
