using System.Security.Cryptography;
using Maestro.RegistryService.Infrastructure;
using Maestro.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>
/// Two registry processes on one database and one data directory (what PostgreSQL allows), as two
/// sets of stores with connection pools of their own: the same SHA-256 written by both at once, and
/// the start-up clean-up of one while the other is between moving an upload into place and
/// recording its version.
/// </summary>
public abstract class SharedDataDirectoryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TestStores _first;
    private readonly TestStores _second;
    private readonly string _dataDirectory = TestPaths.NewTempDirectory("shared-data");

    private SharedDataDirectoryTests(StoreBackend backend)
    {
        _first = new TestStores("shared-a", _time, backend: backend);
        _second = backend == StoreBackend.Postgres
            ? new TestStores("shared-b", _time, backend: backend, connectionString: _first.ConnectionString)
            : new TestStores("shared-b", _time, backend: backend, sqliteDirectory: _first.DataDirectory);
    }

    public void Dispose()
    {
        _second.Dispose();
        _first.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private ArtifactStore NewArtifacts() =>
        new(Options.Create(new RegistryOptions { DataDirectory = _dataDirectory }), RegistryStorage.Parse("Host=shared"));

    [Fact]
    public async Task Commit_SameContentFromTwoProcessesAtOnce_LeavesOneWholeFileAndNoScratch()
    {
        var bytes = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var (a, b) = (NewArtifacts(), NewArtifacts());

        for (var round = 0; round < 20; round++)
        {
            var received = await Task.WhenAll(a.ReceiveAsync(new MemoryStream(bytes), bytes.Length, CancellationToken.None),
                b.ReceiveAsync(new MemoryStream(bytes), bytes.Length, CancellationToken.None));
            var files = received.Select(ArtifactStore.Hash).ToArray();
            using var start = new Barrier(2);
            await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(); a.Commit(files[0]); }),
                Task.Run(() => { start.SignalAndWait(); b.Commit(files[1]); }));

            Assert.Equal(files[0].Sha256, files[1].Sha256);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(a.PathOf(files[0].Sha256)));
        }

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dataDirectory, "tmp")));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_dataDirectory, "artifacts"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DeleteUnreferencedArtifacts_WhileAnotherProcessPlacesAnUpload_WaitsAndKeepsIt()
    {
        var uploader = NewArtifacts();
        var starting = NewArtifacts();
        _first.Models.Create("fraud", null, new Dictionary<string, string>());
        var bytes = RandomNumberGenerator.GetBytes(4096);
        var file = ArtifactStore.Hash(await uploader.ReceiveAsync(new MemoryStream(bytes), bytes.Length, CancellationToken.None));
        var orphan = starting.PathOf(new string('e', 64));
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllBytesAsync(orphan, bytes);

        using var placed = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var upload = Task.Run(() => _first.Versions.Add("fraud", null, file.Sha256, file.SizeBytes, TestInspection.Any, placeArtifact: () =>
        {
            uploader.Commit(file);
            placed.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        }));
        Assert.True(placed.Wait(TimeSpan.FromSeconds(30)), "the upload never placed its artifact");

        // The other process starts now: its clean-up sees the placed artifact, which no version refers to yet.
        var cleanup = Task.Run(() => _second.Versions.DeleteUnreferencedArtifacts(starting));
        await Task.Delay(500);
        Assert.False(cleanup.IsCompleted, "the clean-up did not wait for the write lock the upload holds");
        Assert.True(File.Exists(uploader.PathOf(file.Sha256)));
        release.Set();

        Assert.Equal(1, (await upload).Value!.Version);
        Assert.Equal(1, await cleanup);
        Assert.True(File.Exists(uploader.PathOf(file.Sha256)), "the clean-up deleted the artifact of a version being recorded");
        Assert.False(File.Exists(orphan), "the orphan was kept");
        Assert.Equal(file.Sha256, _second.Versions.Get("fraud", 1)!.Sha256);
    }

    [Fact]
    public async Task Add_ConcurrentFromTwoProcesses_NumbersEachVersionOnce()
    {
        _first.Models.Create("fraud", null, new Dictionary<string, string>());

        var added = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? _first : _second).Versions.Add("fraud", null, new string('d', 64), 1, TestInspection.Any).Value!.Version)));

        Assert.Equal(Enumerable.Range(1, 20), added.Order());
        Assert.Equal(20, _first.Audit.ListChanges(0, 100).Changes.Count);
    }

    public sealed class OnSqlite() : SharedDataDirectoryTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : SharedDataDirectoryTests(StoreBackend.Postgres);
}
