using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Maestro.Gateway.Errors;
using Maestro.Gateway.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Authenticates <c>X-API-Key</c>. Keys are compared by their SHA-256 in constant time, so neither
/// timing nor logs reveal a key. A caller without a valid key is challenged with a 401 that says what
/// to send.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    GatewayTelemetry telemetry) : AuthenticationHandler<ApiKeyOptions>(options, logger, encoder)
{
    public const string KeyIdClaim = "maestro:key_id";
    public const string ScopeClaim = "scope";
    public const string DevKeyId = "dev-admin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeyOptions.HeaderName, out var values) || string.IsNullOrEmpty(values.ToString()))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = values.ToString();
        if (Options.DevApiKey is { Length: > 0 } devKey && KeysEqual(presented, devKey))
        {
            var identity = new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.NameIdentifier, DevKeyId),
                    new Claim(KeyIdClaim, DevKeyId),
                    new Claim(ScopeClaim, "admin"),
                    new Claim(Quotas.QuotaClaims.Plan, Options.DevKeyPlan),
                ],
                Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }

        return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure is null
            ? $"This endpoint needs an API key: send it in the {ApiKeyOptions.HeaderName} header."
            : $"The {ApiKeyOptions.HeaderName} header holds a key the gateway does not accept.";
        telemetry.AuthenticationFailed(result.Failure is null ? "missing" : "invalid");
        Response.Headers.WWWAuthenticate = $"{ApiKeyOptions.Scheme} header=\"{ApiKeyOptions.HeaderName}\"";
        await GatewayErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        GatewayErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "The API key is valid but lacks the scope this endpoint needs.");

    internal static bool KeysEqual(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
