using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>Tokens as an attacker or a foreign issuer would make them.</summary>
internal static class TestTokens
{
    /// <summary>Every scope, for the subject of the development key (known to the gateway): only a token's own flaws can get it refused.</summary>
    public static readonly Dictionary<string, object> AllScopeClaims = new()
    {
        ["sub"] = "dev-admin",
        ["scope"] = "predict models:read models:write admin",
        ["maestro:plan"] = "unlimited",
    };

    /// <summary>A JWT signed by the library with <paramref name="key"/> and <paramref name="algorithm"/>.</summary>
    public static string Sign(SecurityKey key, string algorithm, string issuer, string audience,
        DateTime? notBefore = null, DateTime? expires = null, IDictionary<string, object>? claims = null)
    {
        var now = DateTime.UtcNow;
        var start = notBefore ?? now.AddMinutes(-1);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = start,
            NotBefore = start,
            Expires = expires ?? now.AddMinutes(10),
            Claims = claims ?? AllScopeClaims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>A token assembled by hand: any header, any payload, the given signature bytes (base64url-encoded here).</summary>
    public static string Assemble(object header, object payload, byte[]? signature) =>
        $"{Encode(header)}.{Encode(payload)}.{(signature is null ? "" : Base64Url.EncodeToString(signature))}";

    /// <summary>Signs header.payload with HMAC (SHA-256 unless told) under raw key bytes, whatever those bytes are.</summary>
    public static string HmacSigned(object header, object payload, byte[] secret, HashAlgorithmName? hash = null)
    {
        var unsigned = $"{Encode(header)}.{Encode(payload)}";
        var signature = CryptographicOperations.HmacData(hash ?? HashAlgorithmName.SHA256, secret, Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>A valid payload for <paramref name="issuer"/> and <paramref name="audience"/>, as a JSON object.</summary>
    public static Dictionary<string, object> Payload(string issuer, string audience)
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, object>(AllScopeClaims)
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
    }

    /// <summary>The payload of a compact JWT, decoded.</summary>
    public static JsonElement ReadPayload(string token)
    {
        using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]));
        return document.RootElement.Clone();
    }

    /// <summary>Replaces the payload of a signed token and keeps its signature.</summary>
    public static string WithPayload(string token, object payload)
    {
        var parts = token.Split('.');
        return $"{parts[0]}.{Encode(payload)}.{parts[2]}";
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
