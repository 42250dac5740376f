using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.AppHost.Tests;

/// <summary>The same app model published as Aspire's manifest, which deployment tooling reads.</summary>
public sealed class PublishManifestTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("manifest");

    [Fact]
    public async Task Publish_Manifest_DescribesRedisContainerAndTheThreeServices()
    {
        var manifest = Path.Combine(_directory, "aspire-manifest.json");
        var (exitCode, output) = await RunAppHostAsync("--operation", "publish", "--publisher", "manifest", "--output-path", manifest);

        Assert.True(exitCode == 0, $"The AppHost exited with {exitCode}:\n{output}");
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(manifest));
        var resources = document.RootElement.GetProperty("resources");
        string TypeOf(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

        Assert.Equal("container.v0", TypeOf("redis"));
        Assert.Equal("project.v0", TypeOf("registry"));
        Assert.Equal("project.v0", TypeOf("worker"));
        Assert.Equal("project.v0", TypeOf("gateway"));
        Assert.True(resources.GetProperty("dev-api-key").GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());

        var gatewayEnv = resources.GetProperty("gateway").GetProperty("env");
        Assert.Equal("{worker.bindings.http.url}", gatewayEnv.GetProperty("services__worker__http__0").GetString());
        Assert.Equal("{registry.bindings.http.url}", gatewayEnv.GetProperty("services__registry__http__0").GetString());
        Assert.Equal("{redis.connectionString}", gatewayEnv.GetProperty("ConnectionStrings__redis").GetString());
        Assert.False(gatewayEnv.TryGetProperty("Gateway__DataDirectory", out _), "a published manifest carries no local path");
        Assert.False(File.Exists(Path.Combine(_directory, "dev-api-key")), "publishing generates no development key");
    }

    [Fact]
    public async Task Publish_ManifestWithPostgres_DescribesThePostgresContainerAndHandsTheRegistryItsDatabase()
    {
        var manifest = Path.Combine(_directory, "aspire-manifest-postgres.json");
        var (exitCode, output) = await RunAppHostAsync("--postgres", "--operation", "publish", "--publisher", "manifest", "--output-path", manifest);

        Assert.True(exitCode == 0, $"The AppHost exited with {exitCode}:\n{output}");
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(manifest));
        var resources = document.RootElement.GetProperty("resources");

        Assert.Equal("container.v0", resources.GetProperty("postgres").GetProperty("type").GetString());
        Assert.Equal("value.v0", resources.GetProperty("postgres-maestro").GetProperty("type").GetString());
        var registryEnv = resources.GetProperty("registry").GetProperty("env");
        Assert.Equal("{postgres-maestro.connectionString}", registryEnv.GetProperty("ConnectionStrings__registry").GetString());
        Assert.False(Directory.Exists(Path.Combine(_directory, "maestro-data", "postgres")), "publishing starts no local server");
    }

    private async Task<(int ExitCode, string Output)> RunAppHostAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        info.ArgumentList.Add(AppHostAssembly());
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string AppHostAssembly()
    {
        string Metadata(string key) => typeof(PublishManifestTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        var path = Path.Combine(TestPaths.RepositoryRoot, "src", "AppHost", "bin", Metadata("Maestro.Configuration"), Metadata("Maestro.TargetFramework"), "Maestro.AppHost.dll");
        Assert.True(File.Exists(path), $"The AppHost is not built: {path}");
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
