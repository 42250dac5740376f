using System.Security.Cryptography;

namespace Maestro.AppHost.Configuration;

/// <summary>
/// The development admin key: <c>MAESTRO_DEV_API_KEY</c> when set, else the key stored in
/// <c>&lt;data-dir&gt;/dev-api-key</c>, else a new random key written there (readable by the owner only)
/// and printed once — the AppHost never prints a key it did not just create.
/// </summary>
public static class DevApiKey
{
    public const string EnvironmentVariable = "MAESTRO_DEV_API_KEY";
    public const string FileName = "dev-api-key";

    /// <returns>The key, where it came from, and whether it was just generated (only then is it shown).</returns>
    public static (string Key, string Origin, bool IsNew) Resolve(string dataDirectory, string? fromEnvironment)
    {
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (fromEnvironment.Trim(), $"from {EnvironmentVariable}", false);
        }

        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } stored)
        {
            return (stored, $"in {path}", false);
        }

        var key = "mae_dev_" + Base64Url(RandomNumberGenerator.GetBytes(24));
        Directory.CreateDirectory(dataDirectory);
        File.WriteAllText(path, key + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return (key, $"generated and written to {path}", true);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
