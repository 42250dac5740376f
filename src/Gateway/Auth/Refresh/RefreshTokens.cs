using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Maestro.Gateway.Audit;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Auth.Refresh;

/// <summary>
/// Issues and redeems refresh tokens. Each is good once: redeeming it returns the caller it stands for
/// (read again from the API key it came from, so a revoked key refreshes nothing) and a new token of the
/// same family, valid <see cref="GatewayAuthOptions.RefreshTokenLifetime"/> from then. A token presented a
/// second time means two parties hold it; as OAuth 2.1 recommends, the whole family is then revoked, the
/// successor already issued included, and its holder must exchange the API key again.
/// </summary>
internal sealed class RefreshTokens(
    IRefreshTokenStore store,
    IApiKeyStore keys,
    IOptions<GatewayAuthOptions> options,
    IOptionsMonitor<ApiKeyOptions> apiKeyOptions,
    IAuditLog audit,
    TimeProvider time)
{
    private const string ExchangeAgain = "exchange your API key at POST /auth/token for new tokens.";

    /// <summary>A new token for the API key whose SHA-256 is <paramref name="keyHash"/>, in <paramref name="family"/> or a new one.</summary>
    public async Task<string> IssueAsync(string keyId, string keyHash, string? family, CancellationToken cancellationToken)
    {
        var lifetime = options.Value.RefreshTokenLifetime;
        var now = time.GetUtcNow();
        var secret = RefreshTokenSecret.Generate();
        await store.AddAsync(new RefreshTokenRecord
        {
            Hash = ApiKeySecret.Hash(secret),
            KeyId = keyId,
            KeyHash = keyHash,
            Family = family ?? RefreshTokenSecret.NewFamily(),
            Created = now,
            Expires = now + lifetime,
        }, lifetime, cancellationToken);
        return secret;
    }

    public async Task<RefreshOutcome> RedeemAsync(string presented, CancellationToken cancellationToken)
    {
        if (!RefreshTokenSecret.HasTokenShape(presented))
        {
            return RefreshOutcome.Refused($"'refresh_token' is not a refresh token of this gateway (they start with {RefreshTokenSecret.Prefix}); " + ExchangeAgain);
        }

        var now = time.GetUtcNow();
        var redemption = await store.RedeemAsync(ApiKeySecret.Hash(presented), now, cancellationToken);
        if (redemption is null)
        {
            return RefreshOutcome.Refused("The refresh token is not valid or has expired; " + ExchangeAgain);
        }

        var token = redemption.Token;
        if (!redemption.FirstUse)
        {
            await store.RevokeFamilyAsync(token.Family, options.Value.RefreshTokenLifetime, cancellationToken);
            await audit.RecordAsync(new AuditEvent(0, now.ToUnixTimeMilliseconds(), AuditEvent.Gateway, AuditEvent.RefreshFamilyRevoked, token.KeyId,
                Detail: $"family {token.Family}: a refresh token of it was presented a second time"), cancellationToken);
            return RefreshOutcome.Refused("The refresh token was already used once; as a precaution every refresh token issued from it "
                + "is revoked now. Refresh tokens are single use: keep the new one each refresh returns, and " + ExchangeAgain);
        }

        if (token.Expires <= now)
        {
            return RefreshOutcome.Refused($"The refresh token expired at {token.Expires:u}; " + ExchangeAgain);
        }

        if (await store.IsFamilyRevokedAsync(token.Family, cancellationToken))
        {
            return RefreshOutcome.Refused("The refresh token was revoked because a token of its line was used twice; " + ExchangeAgain);
        }

        var caller = await CallerAsync(token, cancellationToken);
        if (caller is null)
        {
            return RefreshOutcome.Refused("The API key this refresh token was issued for has been revoked or no longer exists; ask an admin for a new key.");
        }

        return new RefreshOutcome(caller, await IssueAsync(token.KeyId, token.KeyHash, token.Family, cancellationToken), null);
    }

    /// <summary>The caller the token's API key stands for now, or <c>null</c> when that key is revoked, gone or replaced.</summary>
    private async Task<ClaimsPrincipal?> CallerAsync(RefreshTokenRecord token, CancellationToken cancellationToken)
    {
        if (token.KeyId == ApiKeyAuthenticationHandler.DevKeyId)
        {
            var dev = apiKeyOptions.Get(ApiKeyOptions.Scheme);
            return dev.DevApiKey is { Length: > 0 } devKey && SameHash(ApiKeySecret.Hash(devKey), token.KeyHash)
                ? GatewayClaims.Principal(token.KeyId, Scopes.All, dev.DevKeyPlan, null, ApiKeyOptions.Scheme)
                : null;
        }

        var key = await keys.FindByHashAsync(token.KeyHash, cancellationToken);
        return key is { IsRevoked: false } && key.Id == token.KeyId
            ? GatewayClaims.Principal(key.Id, key.Scopes, key.Plan, key.RateLimit, ApiKeyOptions.Scheme)
            : null;
    }

    private static bool SameHash(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
