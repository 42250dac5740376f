using Microsoft.AspNetCore.Authentication;

namespace Maestro.Gateway.Auth;

/// <summary>Options of the <c>ApiKey</c> scheme, bound from <c>Gateway:Auth</c>.</summary>
public sealed class ApiKeyOptions : AuthenticationSchemeOptions
{
    public const string Scheme = "ApiKey";
    public const string HeaderName = "X-API-Key";

    /// <summary>
    /// The development admin key (every scope). The AppHost passes <c>MAESTRO_DEV_API_KEY</c> or a
    /// generated key here; empty means no admin key is accepted.
    /// </summary>
    public string? DevApiKey { get; set; }

    /// <summary>
    /// The development key's quota plan (default <c>unlimited</c>). <c>bench/run.sh</c> puts it on a
    /// plan with a Redis quota to measure the full gateway path.
    /// </summary>
    public string DevKeyPlan { get; set; } = GatewayClaims.UnlimitedPlan;
}
