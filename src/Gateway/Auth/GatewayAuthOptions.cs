namespace Maestro.Gateway.Auth;

/// <summary>
/// Bearer tokens and API-key handling, under <c>Gateway:Auth</c>. Tokens come either from an external
/// issuer (<see cref="Authority"/>: OIDC discovery, RS256 through its JWKS) or from the gateway itself
/// (<see cref="SigningKey"/>, HS256, handed out by <c>POST /auth/token</c>).
/// </summary>
public sealed class GatewayAuthOptions
{
    public const string SectionName = "Gateway:Auth";

    /// <summary>The smallest signing key accepted, in bytes of its UTF-8 text.</summary>
    public const int MinSigningKeyBytes = 32;

    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>Revocation reaches every replica within this, even if its notification is lost.</summary>
    public static readonly TimeSpan MaxApiKeyCacheDuration = TimeSpan.FromSeconds(5);

    /// <summary>External OIDC issuer (e.g. <c>https://login.example.com/realm</c>); empty means the gateway issues its own tokens.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must name (required with <see cref="Authority"/>; default <c>maestro</c> for the gateway's own).</summary>
    public string? Audience { get; set; }

    /// <summary>Whether the authority's metadata must be fetched over HTTPS (default true).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The HS256 key of the gateway's own tokens, at least 32 bytes. Generated per process in Development when empty.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The <c>iss</c> of the gateway's own tokens.</summary>
    public string Issuer { get; set; } = "maestro-gateway";

    /// <summary>How long a token from <c>POST /auth/token</c> lives (default 15 min).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a refresh token from <c>POST /auth/token</c> or <c>POST /auth/refresh</c> stays redeemable (default 7 days); each refresh starts a new one.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Tolerance on <c>exp</c> and <c>nbf</c> (default and at most 30 s).</summary>
    public TimeSpan ClockSkew { get; set; } = MaxClockSkew;

    /// <summary>Longer bearer tokens are refused unread (default 8 KiB).</summary>
    public int MaxTokenBytes { get; set; } = 8 * 1024;

    /// <summary>How long a replica trusts what it last read about a key (default 3 s, at most 5 s).</summary>
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often keys' last-used times are written to the store, in one batch (default 10 s).</summary>
    public TimeSpan LastUsedFlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    public string EffectiveAudience => string.IsNullOrWhiteSpace(Audience) ? "maestro" : Audience;

    public bool UsesAuthority => !string.IsNullOrWhiteSpace(Authority);
}
