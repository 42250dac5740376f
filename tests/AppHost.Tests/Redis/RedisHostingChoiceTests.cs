using Maestro.AppHost.Redis;

namespace Maestro.AppHost.Tests.Redis;

public sealed class RedisHostingChoiceTests
{
    private static string? NoRuntime() => null;

    [Fact]
    public void Choose_Publishing_IsTheContainerWhateverIsInstalled()
    {
        var (hosting, _) = RedisHostingChoice.Choose(publishing: true, setting: "executable", "/usr/bin/redis-server", NoRuntime);

        Assert.Equal(RedisHosting.Container, hosting);
    }

    [Fact]
    public void Choose_RedisServerInstalled_PrefersItOverAContainerEngine()
    {
        var (hosting, reason) = RedisHostingChoice.Choose(false, null, "/usr/bin/redis-server", () => "podman");

        Assert.Equal(RedisHosting.Executable, hosting);
        Assert.Contains("/usr/bin/redis-server", reason);
    }

    [Fact]
    public void Choose_NoRedisServerButAnEngineAnswers_IsTheContainer()
    {
        var (hosting, reason) = RedisHostingChoice.Choose(false, "auto", null, () => "docker");

        Assert.Equal(RedisHosting.Container, hosting);
        Assert.Contains("docker", reason);
    }

    [Fact]
    public void Choose_NeitherInstalled_IsNoneAndSaysHowToInstall()
    {
        var (hosting, reason) = RedisHostingChoice.Choose(false, null, null, NoRuntime);

        Assert.Equal(RedisHosting.None, hosting);
        Assert.Contains("apt-get install redis-server", reason);
    }

    [Theory]
    [InlineData("container", RedisHosting.Container)]
    [InlineData("Executable", RedisHosting.Executable)]
    [InlineData("none", RedisHosting.None)]
    public void Choose_Setting_Wins(string setting, RedisHosting expected)
    {
        var (hosting, reason) = RedisHostingChoice.Choose(false, setting, "/usr/bin/redis-server", () => "docker");

        Assert.Equal(expected, hosting);
        Assert.Contains(RedisHostingChoice.Setting, reason);
    }

    [Fact]
    public void Choose_ExecutableAskedButNotInstalled_IsNoneSayingWhy()
    {
        var (hosting, reason) = RedisHostingChoice.Choose(false, "executable", null, () => "docker");

        Assert.Equal(RedisHosting.None, hosting);
        Assert.Contains("not installed", reason);
    }

    [Fact]
    public void Choose_UnknownSetting_FailsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RedisHostingChoice.Choose(false, "cluster", null, NoRuntime));

        Assert.Contains(RedisHostingChoice.Setting, error.Message);
        Assert.Contains("cluster", error.Message);
    }
}
