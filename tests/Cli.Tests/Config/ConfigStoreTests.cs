using Maestro.Cli.Config;
using Maestro.Cli.Shell;

namespace Maestro.Cli.Tests.Config;

public sealed class ConfigStoreTests
{
    [Fact]
    public void Directory_XdgConfigHomeSet_IsMaestroUnderIt()
    {
        var store = new ConfigStore(Environment(("XDG_CONFIG_HOME", "/tmp/xdg"), ("HOME", "/home/someone")));

        Assert.Equal("/tmp/xdg/maestro/config.json", store.FilePath);
    }

    [Fact]
    public void Directory_NoXdgConfigHome_IsDotConfigMaestroInHome()
    {
        var store = new ConfigStore(Environment(("HOME", "/home/someone")));

        Assert.Equal("/home/someone/.config/maestro/config.json", store.FilePath);
    }

    [Fact]
    public void SaveThenLoad_RoundTripsAndOverwrites()
    {
        var home = Maestro.Testing.TestPaths.NewTempDirectory("cli-store");
        try
        {
            var store = new ConfigStore(Environment(("XDG_CONFIG_HOME", home)));
            store.Save(new CliConfig("http://a", "k1"));
            store.Save(new CliConfig("http://b", "k2"));

            Assert.Equal(new CliConfig("http://b", "k2"), store.Load());
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(store.FilePath)!, "*.tmp"));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void Load_CorruptFile_ThrowsSayingToLogInAgain()
    {
        var home = Maestro.Testing.TestPaths.NewTempDirectory("cli-store");
        try
        {
            var store = new ConfigStore(Environment(("XDG_CONFIG_HOME", home)));
            Directory.CreateDirectory(Path.GetDirectoryName(store.FilePath)!);
            File.WriteAllText(store.FilePath, "{ not json");

            var error = Assert.Throws<CliException>(store.Load);
            Assert.Contains("maestro login", error.Message);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static CliEnvironment Environment(params (string Name, string Value)[] variables) =>
        new(name => variables.FirstOrDefault(v => v.Name == name).Value, TextWriter.Null, TextWriter.Null, false);
}
