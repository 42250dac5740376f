namespace Maestro.Gateway.Abuse;

/// <summary>Wires the per-address limit on failed authentications (<see cref="AuthFailureLimitOptions"/>).</summary>
internal static class AuthFailureLimitExtensions
{
    public static void AddAuthFailureLimit(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuthFailureLimitOptions>(AuthFailureLimitOptions.SectionName);
        builder.Services.AddSingleton<AuthFailureLimiter>();
    }

    /// <summary>Before <c>UseAuthentication</c>: a blocked client's credentials are never checked.</summary>
    public static IApplicationBuilder UseAuthFailureLimit(this IApplicationBuilder app) => app.UseMiddleware<AuthFailureLimitMiddleware>();
}
