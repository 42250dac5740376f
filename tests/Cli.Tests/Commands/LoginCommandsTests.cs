using System.Text.Json;

namespace Maestro.Cli.Tests.Commands;

[Collection(PlatformCollection.Name)]
public sealed class LoginCommandsTests(MaestroPlatform platform) : IDisposable
{
    private readonly CliRun _cli = new();

    [Fact]
    public async Task Login_ValidKey_SavesUrlAndKeyReadableByTheUserOnly()
    {
        var result = await _cli.RunAsync("login", "--url", platform.Url, "--key", platform.ApiKey);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(_cli.ConfigFile, result.Out);
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(_cli.ConfigFile));
        Assert.Equal(platform.Url, saved.RootElement.GetProperty("url").GetString());
        Assert.Equal(platform.ApiKey, saved.RootElement.GetProperty("api_key").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.ConfigFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(_cli.ConfigFile)!));
        }

        Assert.Equal(0, (await _cli.RunAsync("models", "list")).ExitCode);
    }

    [Fact]
    public async Task Login_WrongKey_ExitsOneSayingTheKeyWasRefusedAndSavesNothing()
    {
        var result = await _cli.RunAsync("login", "--url", platform.Url, "--key", "mk_not-a-real-key");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refused the key", result.Error);
        Assert.False(File.Exists(_cli.ConfigFile));
    }

    [Fact]
    public async Task AnyCommand_NotLoggedIn_ExitsOneSayingHowToLogIn()
    {
        var result = await _cli.RunAsync("models", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("maestro login --url", result.Error);
    }

    [Fact]
    public async Task Logout_AfterLogin_RemovesTheConfig()
    {
        await _cli.LoginAsync(platform);

        var result = await _cli.RunAsync("logout");

        Assert.Equal(0, result.ExitCode);
        Assert.False(File.Exists(_cli.ConfigFile));
        Assert.Equal(1, (await _cli.RunAsync("models", "list")).ExitCode);
    }

    [Fact]
    public async Task AnyCommand_WrongKeyOption_Exits1WithThe401Reason()
    {
        await _cli.LoginAsync(platform);

        var result = await _cli.RunAsync("models", "list", "--key", "mk_wrong");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401", result.Error);
        Assert.Contains("X-API-Key", result.Error);
        Assert.Contains("request id", result.Error);
    }

    public void Dispose() => _cli.Dispose();
}
