using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Authentication's hot path, before ASP.NET Core's authentication middleware: an <c>X-API-Key</c>
/// whose key is fresh in the <see cref="ApiKeyCache"/> (or the development admin key) becomes the
/// request's caller at the cost of one SHA-256 and one look-up, without allocating — the principal is
/// built once per cache entry. Everything else (no key, an unknown, expired or revoked one, a bearer
/// token) goes through the authentication middleware and <see cref="ApiKeyAuthenticationHandler"/> as
/// before, so a revocation is refused as soon as the cache entry is gone (at once when its notification
/// arrives, within <see cref="GatewayAuthOptions.ApiKeyCacheDuration"/> otherwise). Off when a claims
/// transformation is registered: only the middleware runs those.
/// </summary>
internal sealed class ApiKeyFastPath(
    IOptionsMonitor<ApiKeyOptions> options, ApiKeyCache keys, ApiKeyUsageRecorder usage, IClaimsTransformation transformation)
{
    private readonly bool _enabled = transformation is NoopClaimsTransformation;

    private static readonly Func<ApiKeyRecord, GatewayPrincipal> Build = static key =>
        GatewayClaims.Principal(key.Id, key.Scopes, key.Plan, key.RateLimit, ApiKeyOptions.Scheme);

    private DevKey? _devKey;

    /// <summary>Sets the caller and returns <c>true</c> when the hot path decided; <c>false</c> leaves it to the middleware.</summary>
    public bool TryAuthenticate(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (!_enabled || headers.Authorization.Count > 0 || !headers.TryGetValue(ApiKeyOptions.HeaderName, out var values) || values.Count != 1
            || values[0] is not { Length: > 0 and <= ApiKeySecret.MaxLength } presented)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[ApiKeySecret.MaxLength * 3];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<char> hex = stackalloc char[SHA256.HashSizeInBytes * 2];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(presented, utf8)], hash);

        if (DevKeyNow() is { } dev && CryptographicOperations.FixedTimeEquals(hash, dev.Hash))
        {
            context.User = dev.Principal;
            return true;
        }

        if (!ApiKeySecret.HasKeyShape(presented) || !Convert.TryToHexStringLower(hash, hex, out _)
            || !keys.TryGetPrincipal(hex, Build, out var principal, out var keyId))
        {
            return false;
        }

        usage.Record(keyId);
        context.User = principal;
        return true;
    }

    /// <summary>The development key's hash and principal, rebuilt only when its settings change.</summary>
    private DevKey? DevKeyNow()
    {
        var settings = options.Get(ApiKeyOptions.Scheme);
        if (settings.DevApiKey is not { Length: > 0 } key)
        {
            return null;
        }

        var dev = _devKey;
        if (dev is null || !ReferenceEquals(dev.Key, key) || !ReferenceEquals(dev.Plan, settings.DevKeyPlan))
        {
            dev = new DevKey(key, settings.DevKeyPlan, SHA256.HashData(Encoding.UTF8.GetBytes(key)),
                GatewayClaims.Principal(ApiKeyAuthenticationHandler.DevKeyId, Scopes.All, settings.DevKeyPlan, null, ApiKeyOptions.Scheme));
            _devKey = dev;
        }

        return dev;
    }

    private sealed record DevKey(string Key, string Plan, byte[] Hash, GatewayPrincipal Principal);
}
