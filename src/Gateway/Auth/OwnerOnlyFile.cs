using System.Text.Json;

namespace Maestro.Gateway.Auth;

/// <summary>
/// A JSON file only its owner may read (0600): written whole to a temporary file, flushed to disk and
/// renamed over the old one, so a crash leaves the previous version or the new one, never half of one.
/// Holds the file stores' API keys and refresh tokens.
/// </summary>
internal static class OwnerOnlyFile
{
    /// <summary>The file's content, or <c>default</c> when there is no file yet.</summary>
    /// <exception cref="InvalidOperationException">The file is not valid JSON of <typeparamref name="T"/>; the message names it and <paramref name="what"/> it should hold.</exception>
    public static T? ReadJson<T>(string path, string what, JsonSerializerOptions options)
    {
        if (!File.Exists(path))
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), options);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{path} is not a valid {what} file ({e.Message}); fix or move it away, then start again.", e);
        }
    }

    public static void WriteJson<T>(string path, T value, JsonSerializerOptions options)
    {
        var temporary = path + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, fileOptions))
        {
            JsonSerializer.Serialize(stream, value, options);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
