using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Maestro.Gateway.Auth;

/// <summary>
/// API keys as handed out: <c>mk_</c> followed by 32 random bytes in base64url. The gateway keeps
/// only <see cref="Hash"/> of a key, so a leaked store reveals no usable key.
/// </summary>
public static class ApiKeySecret
{
    public const string Prefix = "mk_";
    public const int RandomBytes = 32;

    /// <summary>Longer than any key the gateway issues: such a value is refused without a look-up.</summary>
    public const int MaxLength = 128;

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>A random identifier for a key (not secret): <c>key_</c> plus 12 base64url characters.</summary>
    public static string NewId() => "key_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(9));

    /// <summary>Whether <paramref name="presented"/> looks like a key this gateway issued (cheap, before any look-up).</summary>
    public static bool HasKeyShape(string presented) =>
        presented.Length is > 3 and <= MaxLength && presented.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The SHA-256 of the key's UTF-8 bytes, lowercase hex.</summary>
    public static string Hash(string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return Convert.ToHexStringLower(hash);
    }
}
