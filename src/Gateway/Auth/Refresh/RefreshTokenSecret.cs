using System.Buffers.Text;
using System.Security.Cryptography;

namespace Maestro.Gateway.Auth.Refresh;

/// <summary>
/// Refresh tokens as handed out: <c>mr_</c> followed by 32 random bytes in base64url, opaque to the
/// client. Stored, like API keys, only as their SHA-256 (<see cref="ApiKeySecret.Hash"/>).
/// </summary>
internal static class RefreshTokenSecret
{
    public const string Prefix = "mr_";

    /// <summary>Longer than any token the gateway issues: such a value is refused without a look-up.</summary>
    public const int MaxLength = 128;

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(ApiKeySecret.RandomBytes));

    /// <summary>A random family id (not secret): one per <c>POST /auth/token</c>, kept through every rotation.</summary>
    public static string NewFamily() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));

    public static bool HasTokenShape(string presented) =>
        presented.Length is > 3 and <= MaxLength && presented.StartsWith(Prefix, StringComparison.Ordinal);
}
