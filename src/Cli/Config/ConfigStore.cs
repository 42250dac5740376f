using System.Text.Json;
using Maestro.Cli.Shell;

namespace Maestro.Cli.Config;

/// <summary>
/// <c>config.json</c> in the user's config directory — <c>$XDG_CONFIG_HOME/maestro</c>, else
/// <c>~/.config/maestro</c> — readable and writable by the user only (file 0600, directory 0700),
/// since it holds an API key. Written whole to a temporary file, then renamed.
/// </summary>
internal sealed class ConfigStore(CliEnvironment environment)
{
    public const string FileName = "config.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Directory
    {
        get
        {
            var xdg = environment.Variable("XDG_CONFIG_HOME");
            var home = environment.Variable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".config") : xdg, "maestro");
        }
    }

    public string FilePath => Path.Combine(Directory, FileName);

    public CliConfig? Load()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CliConfig>(File.ReadAllText(FilePath));
        }
        catch (JsonException e)
        {
            throw new CliException($"{FilePath} is not a valid maestro config ({e.Message}); run `maestro login` again.");
        }
    }

    public void Save(CliConfig config)
    {
        var directory = System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        var temporary = FilePath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, config, Json);
        }

        File.Move(temporary, FilePath, overwrite: true);
    }

    public bool Delete()
    {
        if (!File.Exists(FilePath))
        {
            return false;
        }

        File.Delete(FilePath);
        return true;
    }
}
