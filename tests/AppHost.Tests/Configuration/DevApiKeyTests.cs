using Maestro.AppHost.Configuration;
using Maestro.Testing;

namespace Maestro.AppHost.Tests.Configuration;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DevApiKeyTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("devkey");

    [Fact]
    public void Resolve_EnvironmentVariableSet_UsesItAndWritesNothing()
    {
        var (key, origin, isNew) = DevApiKey.Resolve(_directory, "  my-key ");

        Assert.Equal("my-key", key);
        Assert.False(isNew);
        Assert.Contains(DevApiKey.EnvironmentVariable, origin);
        Assert.False(File.Exists(Path.Combine(_directory, DevApiKey.FileName)));
    }

    [Fact]
    public void Resolve_NothingSet_GeneratesKeyReadableByOwnerOnly_AndReusesIt()
    {
        var (first, origin, firstIsNew) = DevApiKey.Resolve(_directory, null);
        var (second, _, secondIsNew) = DevApiKey.Resolve(_directory, null);

        var path = Path.Combine(_directory, DevApiKey.FileName);
        Assert.StartsWith("mae_dev_", first);
        Assert.True(first.Length >= 36);
        Assert.Contains("generated", origin);
        Assert.Equal(first, File.ReadAllText(path).Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(first, second);
        Assert.True(firstIsNew);
        Assert.False(secondIsNew);
    }

    [Fact]
    public void Resolve_TwoDataDirectories_GetDifferentKeys()
    {
        var other = TestPaths.NewTempDirectory("devkey");
        try
        {
            Assert.NotEqual(DevApiKey.Resolve(_directory, null).Key, DevApiKey.Resolve(other, null).Key);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
