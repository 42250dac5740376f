using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Maestro.Gateway.Errors;
using Maestro.Gateway.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Authenticates an API key (in <c>X-API-Key</c> or as a bearer value: <see cref="ApiKeyCredentials"/>):
/// the development admin key (compared by SHA-256 in constant time) or a key from the store, found by its SHA-256 through the <see cref="ApiKeyCache"/>. Neither timing nor
/// logs reveal a key. A caller without a valid key is challenged with a 401 that says what to send.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache keys,
    ApiKeyUsageRecorder usage,
    GatewayTelemetry telemetry) : AuthenticationHandler<ApiKeyOptions>(options, logger, encoder)
{
    public const string DevKeyId = "dev-admin";

    private const string UnknownKey = "The API key is not valid.";
    private const string RevokedKey = "The API key has been revoked.";

    /// <summary>What a caller without credentials is told to send.</summary>
    public static readonly string CredentialsHint =
        $"This endpoint needs credentials: an API key (send it in the {ApiKeyOptions.HeaderName} header, or as Authorization: Bearer <key>) "
        + "or a bearer token (Authorization: Bearer <token>, from POST /auth/token).";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ApiKeyCredentials.Find(Request, Options.DevApiKey) is not { } presented)
        {
            return AuthenticateResult.NoResult();
        }

        if (Options.DevApiKey is { Length: > 0 } devKey && KeysEqual(presented, devKey))
        {
            return Success(GatewayClaims.Principal(DevKeyId, Scopes.All, Options.DevKeyPlan, null, Scheme.Name));
        }

        if (!ApiKeySecret.HasKeyShape(presented))
        {
            return AuthenticateResult.Fail(UnknownKey);
        }

        var key = await keys.FindAsync(ApiKeySecret.Hash(presented), Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail(UnknownKey);
        }

        if (key.IsRevoked)
        {
            return AuthenticateResult.Fail(RevokedKey);
        }

        usage.Record(key.Id);
        return Success(GatewayClaims.Principal(key.Id, key.Scopes, key.Plan, key.RateLimit, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var (reason, detail) = result.Failure switch
        {
            null when Request.Headers.Authorization.Count > 0 => ("missing",
                $"This endpoint takes an API key only: send it in the {ApiKeyOptions.HeaderName} header or as Authorization: Bearer <key> (a bearer JWT is not accepted here)."),
            null => ("missing", CredentialsHint),
            { Message: RevokedKey } => ("revoked", $"The key in {ApiKeyCredentials.Source(Request)} has been revoked; ask an admin for a new one."),
            _ => ("invalid", $"The key in {ApiKeyCredentials.Source(Request)} is one the gateway does not accept."),
        };
        telemetry.AuthenticationFailed(reason);
        Response.Headers.WWWAuthenticate = $"{ApiKeyOptions.Scheme} header=\"{ApiKeyOptions.HeaderName}\"";
        Response.Headers.Append("WWW-Authenticate", "Bearer");
        await GatewayErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        GatewayErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "The API key is valid but may not call this endpoint.");

    internal static bool KeysEqual(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private AuthenticateResult Success(System.Security.Claims.ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
}
