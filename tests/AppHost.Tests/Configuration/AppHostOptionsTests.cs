using Maestro.AppHost.Configuration;

namespace Maestro.AppHost.Tests.Configuration;

public sealed class AppHostOptionsTests
{
    [Fact]
    public void TryParse_NoArguments_UsesDocumentedDefaults()
    {
        Assert.True(AppHostOptions.TryParse([], out var options, out var error));

        Assert.Null(error);
        Assert.Equal(8000, options.Port);
        Assert.Equal(2, options.Workers);
        Assert.Equal(18888, options.DashboardPort);
        Assert.True(options.Seed);
        Assert.False(options.Postgres);
        Assert.Equal(1, options.RegistryReplicas);
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "maestro-data"), options.DataDirectory);
    }

    [Fact]
    public void TryParse_EveryOption_IsApplied()
    {
        Assert.True(AppHostOptions.TryParse(
            ["--port", "9001", "--workers", "3", "--data-dir", "/tmp/x", "--no-seed", "--dashboard-port", "19000"],
            out var options, out _));

        Assert.Equal((9001, 3, "/tmp/x", false, 19000), (options.Port, options.Workers, options.DataDirectory, options.Seed, options.DashboardPort));
        Assert.False(options.Publishing);
    }

    [Fact]
    public void TryParse_PostgresWithRegistryReplicas_IsApplied()
    {
        Assert.True(AppHostOptions.TryParse(["--postgres", "--registry-replicas", "3"], out var options, out var error));

        Assert.Null(error);
        Assert.True(options.Postgres);
        Assert.Equal(3, options.RegistryReplicas);
    }

    [Fact]
    public void TryParse_RegistryReplicasWithoutPostgres_FailsSayingItNeedsPostgres()
    {
        Assert.False(AppHostOptions.TryParse(["--registry-replicas", "2"], out _, out var error));

        Assert.Contains("--registry-replicas 2 needs --postgres", error);
        Assert.True(AppHostOptions.TryParse(["--registry-replicas", "1"], out _, out _), "one replica is SQLite's case: allowed");
    }

    [Fact]
    public void TryParse_AspirePublishOptions_PassedThroughAndPublishing()
    {
        Assert.True(AppHostOptions.TryParse(
            ["--operation", "publish", "--publisher", "manifest", "--output-path", "m.json"], out var options, out _));

        Assert.True(options.Publishing);
        Assert.Equal(["--operation", "publish", "--publisher", "manifest", "--output-path", "m.json"], options.AspireArguments);
    }

    [Theory]
    [InlineData(new[] { "--port" }, "--port")]
    [InlineData(new[] { "--port", "70000" }, "--port")]
    [InlineData(new[] { "--port", "abc" }, "--port")]
    [InlineData(new[] { "--workers", "0" }, "--workers")]
    [InlineData(new[] { "--dashboard-port", "-1" }, "--dashboard-port")]
    [InlineData(new[] { "--data-dir" }, "--data-dir")]
    [InlineData(new[] { "--frobnicate" }, "--frobnicate")]
    [InlineData(new[] { "--postgres", "--registry-replicas", "0" }, "--registry-replicas")]
    [InlineData(new[] { "--postgres", "--registry-replicas" }, "--registry-replicas")]
    [InlineData(new[] { "--operation" }, "--operation")]
    [InlineData(new[] { "--port", "9000", "--dashboard-port", "9000" }, "different ports")]
    public void TryParse_BadArgument_FailsNamingIt(string[] args, string named)
    {
        Assert.False(AppHostOptions.TryParse(args, out _, out var error));

        Assert.NotNull(error);
        Assert.Contains(named, error);
    }

    [Fact]
    public void TryParse_Help_StopsWithoutError()
    {
        Assert.False(AppHostOptions.TryParse(["--help"], out _, out var error));
        Assert.Null(error);
    }
}
