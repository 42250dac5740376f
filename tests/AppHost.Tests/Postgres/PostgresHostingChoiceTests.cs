using Maestro.AppHost.Postgres;
using Maestro.Testing;

namespace Maestro.AppHost.Tests.Postgres;

public sealed class PostgresHostingChoiceTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("pg-choice");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Choose_Publishing_IsTheContainerWithoutAskingAnEngine()
    {
        var (hosting, _) = PostgresHostingChoice.Choose(publishing: true, "/usr/lib/postgresql/15/bin", () => throw new InvalidOperationException("asked"));

        Assert.Equal(PostgresHosting.Container, hosting);
    }

    [Fact]
    public void Choose_Installed_IsTheExecutable()
    {
        var (hosting, reason) = PostgresHostingChoice.Choose(publishing: false, "/usr/lib/postgresql/15/bin", () => "podman");

        Assert.Equal(PostgresHosting.Executable, hosting);
        Assert.Contains("/usr/lib/postgresql/15/bin", reason);
    }

    [Fact]
    public void Choose_NotInstalledButAnEngineAnswers_IsTheContainer()
    {
        var (hosting, reason) = PostgresHostingChoice.Choose(publishing: false, null, () => "podman");

        Assert.Equal(PostgresHosting.Container, hosting);
        Assert.Contains("podman", reason);
    }

    [Fact]
    public void Choose_NeitherInstalledNorAnEngine_FailsSayingWhatToInstall()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PostgresHostingChoice.Choose(publishing: false, null, () => null));

        Assert.Contains("apt-get install postgresql", error.Message);
    }

    [Fact]
    public void FindBinDirectory_SeveralMajorVersions_TakesTheNewest()
    {
        foreach (var major in new[] { "13", "16", "9" })
        {
            var bin = Directory.CreateDirectory(Path.Combine(_directory, major, "bin")).FullName;
            File.WriteAllText(Path.Combine(bin, "postgres"), "");
            File.WriteAllText(Path.Combine(bin, "initdb"), "");
        }

        Directory.CreateDirectory(Path.Combine(_directory, "17", "bin"));

        Assert.Equal(Path.Combine(_directory, "16", "bin"), PostgresHostingChoice.FindBinDirectory(_directory));
        Assert.Null(PostgresHostingChoice.FindBinDirectory(Path.Combine(_directory, "absent")));
    }
}
