using System.Net;
using Maestro.Testing;
using Maestro.RegistryService.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>A registry restarted on the same data directory (and database): store, artifacts and scratch space.</summary>
public abstract class RegistryRestartTests(StoreBackend backend) : IDisposable
{
    private readonly string _dataDirectory = TestPaths.NewTempDirectory("registry-restart");
    private readonly string? _connectionString = StoreBackends.NewConnectionString(backend);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Restart_SameDataDirectory_KeepsModelsVersionsAndStages()
    {
        string name;
        string sha;
        await using (var first = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString))
        {
            using var client = first.CreateClient();
            name = await client.CreateModelAsync("restart");
            await client.UploadSampleAsync(name);
            sha = (await client.UploadSampleAsync(name, RegistryClient.IrisClassifier)).GetProperty("sha256").GetString()!;
            (await client.TransitionAsync(name, 2, "Production")).Dispose();
        }

        SqliteConnection.ClearAllPools();
        await using var second = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString);
        using var restarted = second.CreateClient();

        Assert.Equal(new[] { 2, 1 }, await restarted.ListVersionNumbersAsync(name));
        Assert.Equal("Production", await restarted.StageOfAsync(name, 2));
        using var artifact = await restarted.GetAsync($"/api/v1/models/{name}/versions/2/artifact");
        Assert.Equal(RegistryClient.SampleBytes(RegistryClient.IrisClassifier), await artifact.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{sha}\"", artifact.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Restart_AfterUploads_NextVersionContinuesTheSequence()
    {
        string name;
        await using (var first = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString))
        {
            using var client = first.CreateClient();
            name = await client.CreateModelAsync("restart-sequence");
            await client.UploadSampleAsync(name);
        }

        SqliteConnection.ClearAllPools();
        await using var second = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString);
        using var restarted = second.CreateClient();

        var version = await restarted.UploadSampleAsync(name);
        Assert.Equal(2, version.GetProperty("version").GetInt32());
        using var duplicate = await restarted.PostModelAsync(new { name });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task Start_LeftoverPartFileInTmp_IsDeleted()
    {
        await using (var first = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString))
        {
            first.CreateClient().Dispose();
        }

        // What a registry killed mid-upload leaves behind.
        Directory.CreateDirectory(Path.Combine(_dataDirectory, "tmp"));
        var leftover = Path.Combine(_dataDirectory, "tmp", "0123456789abcdef.part");
        await File.WriteAllBytesAsync(leftover, new byte[4096]);
        var receiving = Path.Combine(_dataDirectory, "tmp", "fedcba9876543210.part");
        if (backend == StoreBackend.Postgres)
        {
            // A shared directory: another replica may be receiving a fresh scratch file; an abandoned one is old.
            File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow - ArtifactStore.AbandonedScratchAge - TimeSpan.FromMinutes(1));
            await File.WriteAllBytesAsync(receiving, new byte[4096]);
        }

        SqliteConnection.ClearAllPools();

        await using var second = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString);
        second.CreateClient().Dispose();
        Assert.Equal(backend == StoreBackend.Postgres, File.Exists(receiving));

        Assert.False(File.Exists(leftover), "the leftover scratch file survived the restart");
    }

    [Fact]
    public async Task Start_ArtifactNoVersionRefersTo_IsDeletedAndReferencedOnesStay()
    {
        string name;
        string kept;
        string deletedVersionSha;
        await using (var first = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString))
        {
            using var client = first.CreateClient();
            name = await client.CreateModelAsync("orphans");
            kept = (await client.UploadSampleAsync(name)).GetProperty("sha256").GetString()!;
            deletedVersionSha = (await client.UploadSampleAsync(name, RegistryClient.IrisClassifier)).GetProperty("sha256").GetString()!;
            (await client.DeleteAsync($"/api/v1/models/{name}/versions/2")).Dispose();
        }

        // What a registry killed between moving an upload into place and recording its version leaves.
        var orphan = Path.Combine(_dataDirectory, "artifacts", "ab", "ab" + new string('0', 62) + ".onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllBytesAsync(orphan, RegistryClient.SampleBytes(RegistryClient.FraudDetector));
        SqliteConnection.ClearAllPools();

        await using var second = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString);
        using var restarted = second.CreateClient();

        Assert.Equal([kept + ".onnx"], second.ArtifactFiles().Select(Path.GetFileName));
        Assert.NotEqual(kept, deletedVersionSha);
        using var artifact = await restarted.GetAsync($"/api/v1/models/{name}/versions/1/artifact");
        Assert.Equal(HttpStatusCode.OK, artifact.StatusCode);
    }

    [Fact]
    public async Task Start_DatabaseFromNewerRegistry_FailsNamingTheSchemaVersion()
    {
        await using (var first = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString))
        {
            first.CreateClient().Dispose();
        }

        if (backend == StoreBackend.Postgres)
        {
            PostgresServer.Shared.Psql(new NpgsqlConnectionStringBuilder(_connectionString).Database!, "UPDATE schema_version SET version = 999");
        }
        else
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "registry.db")}");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 999";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        await using var second = new RegistryFactory(_dataDirectory, ownsDataDirectory: false, _connectionString);

        var error = Assert.Throws<InvalidOperationException>(() => second.CreateClient());
        Assert.Contains("schema version 999", error.Message);
    }

    public sealed class OnSqlite() : RegistryRestartTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : RegistryRestartTests(StoreBackend.Postgres);
}
