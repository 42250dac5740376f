using System.Security.Cryptography;
using Maestro.RegistryService.Infrastructure;
using Maestro.Testing;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Tests.Infrastructure;

public sealed class ArtifactStoreTests : IDisposable
{
    private readonly string _dataDirectory = TestPaths.NewTempDirectory("artifacts");

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private string ScratchDirectory => Path.Combine(_dataDirectory, "tmp");

    private ArtifactStore NewStore() => new(Options.Create(new RegistryOptions { DataDirectory = _dataDirectory }));

    private static async Task<ScratchFile> ReceiveAndHashAsync(ArtifactStore store, byte[] bytes) =>
        ArtifactStore.Hash(await store.ReceiveAsync(new MemoryStream(bytes), maxBytes: 10_000_000, CancellationToken.None));

    [Fact]
    public async Task ReceiveAsync_Stream_WritesScratchFileOfItsSize_HashReadsItsSha256Back()
    {
        var store = NewStore();
        var bytes = RandomNumberGenerator.GetBytes(3 * ArtifactStore.BufferBytes + 17); // several reads of the pooled buffer

        var received = await store.ReceiveAsync(new MemoryStream(bytes), maxBytes: 10_000_000, CancellationToken.None);
        var file = ArtifactStore.Hash(received);

        Assert.Equal(bytes.Length, received.SizeBytes);
        Assert.Equal(ScratchDirectory, Path.GetDirectoryName(received.Path));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(received.Path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
        Assert.Equal(bytes.Length, file.SizeBytes);
        Assert.Equal(received.Path, file.Path);
        Assert.False(file.Flushed);
    }

    [Fact]
    public async Task HashInspectAndFlushAsync_NewContent_HashedFlushedAndInspected_StoredContentDroppedAtCommit()
    {
        var store = NewStore();
        var bytes = await File.ReadAllBytesAsync(TestPaths.SampleModel("iris-classifier.onnx"));

        var (first, inspection) = await store.HashInspectAndFlushAsync(await store.ReceiveAsync(new MemoryStream(bytes), bytes.Length, CancellationToken.None));
        Assert.True(first.Flushed);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), first.Sha256);
        Assert.Equal(bytes.Length, first.SizeBytes);
        Assert.NotEmpty(inspection.Signature.Inputs);
        store.Commit(first);

        var (again, _) = await store.HashInspectAndFlushAsync(await store.ReceiveAsync(new MemoryStream(bytes), bytes.Length, CancellationToken.None));
        Assert.Equal(first.Sha256, again.Sha256);
        store.Commit(again); // its content is stored already: the new copy is dropped
        Assert.False(File.Exists(again.Path));
        Assert.True(store.Exists(first.Sha256));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(store.PathOf(first.Sha256)));
    }

    [Fact]
    public async Task HashInspectAndFlushAsync_NotAModel_ThrowsInvalidModelWithTheFileLeftToTheCaller()
    {
        var store = NewStore();
        var file = await store.ReceiveAsync(new MemoryStream(RandomNumberGenerator.GetBytes(50_000)), 1_000_000, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidModelException>(() => store.HashInspectAndFlushAsync(file));

        Assert.True(File.Exists(file.Path));
    }

    [Fact]
    public async Task ReceiveAsync_ExactlyMaxBytes_Accepts()
    {
        var store = NewStore();

        var file = await store.ReceiveAsync(new MemoryStream(new byte[1000]), maxBytes: 1000, CancellationToken.None);

        Assert.Equal(1000, file.SizeBytes);
    }

    [Fact]
    public async Task ReceiveAsync_OneByteOverMaxBytes_ThrowsAndLeavesNoScratchFile()
    {
        var store = NewStore();

        var error = await Assert.ThrowsAsync<UploadTooLargeException>(
            () => store.ReceiveAsync(new MemoryStream(new byte[1001]), maxBytes: 1000, CancellationToken.None));

        Assert.Equal(1000, error.MaxBytes);
        Assert.Empty(Directory.EnumerateFiles(ScratchDirectory));
    }

    [Fact]
    public async Task ReceiveAsync_Cancelled_LeavesNoScratchFile()
    {
        var store = NewStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => store.ReceiveAsync(new MemoryStream(new byte[10]), maxBytes: 1000, cancelled.Token));

        Assert.Empty(Directory.EnumerateFiles(ScratchDirectory));
    }

    [Fact]
    public async Task Commit_ReceivedFile_MovesItToItsContentAddress()
    {
        var store = NewStore();
        var bytes = RandomNumberGenerator.GetBytes(1000);
        var file = await ReceiveAndHashAsync(store, bytes);

        store.Commit(file);

        var expectedPath = Path.Combine(_dataDirectory, "artifacts", file.Sha256[..2], file.Sha256 + ".onnx");
        Assert.Equal(expectedPath, store.PathOf(file.Sha256));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(expectedPath));
        Assert.False(File.Exists(file.Path));
        Assert.True(store.Exists(file.Sha256));
    }

    [Fact]
    public async Task Commit_SameContentTwice_KeepsOneFileAndDropsTheScratchCopy()
    {
        var store = NewStore();
        var bytes = RandomNumberGenerator.GetBytes(1000);
        var first = await ReceiveAndHashAsync(store, bytes);
        var second = await ReceiveAndHashAsync(store, bytes);

        store.Commit(first);
        store.Commit(second);

        Assert.Single(Directory.EnumerateFiles(Path.Combine(_dataDirectory, "artifacts"), "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(ScratchDirectory));
    }

    [Fact]
    public void Constructor_LeftoverPartFiles_DeletesThemAndNothingElse()
    {
        Directory.CreateDirectory(ScratchDirectory);
        File.WriteAllText(Path.Combine(ScratchDirectory, "abandoned.part"), "half an upload");
        File.WriteAllText(Path.Combine(ScratchDirectory, "notes.txt"), "not ours to delete");

        NewStore();

        Assert.Equal(["notes.txt"], Directory.EnumerateFiles(ScratchDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Inspect_SameContentUploadedTwice_ValidatedOnceThenRemembered()
    {
        var store = NewStore();
        var model = await File.ReadAllBytesAsync(TestPaths.SampleModel("fraud-detector.onnx"));
        var first = await ReceiveAndHashAsync(store, model);
        var second = await ReceiveAndHashAsync(store, model);

        var inspected = store.Inspect(first);
        File.Delete(second.Path); // ONNX Runtime could not load it now: only the remembered inspection can answer

        Assert.Same(inspected, store.Inspect(second));
        Assert.Equal("features", Assert.Single(inspected.Signature.Inputs).Name);
    }

    [Fact]
    public async Task Inspect_NotAModel_RefusedEveryTime()
    {
        var store = NewStore();
        var junk = await ReceiveAndHashAsync(store, "not onnx"u8.ToArray());

        Assert.Throws<InvalidModelException>(() => store.Inspect(junk));
        Assert.Throws<InvalidModelException>(() => store.Inspect(junk));
    }

    [Fact]
    public async Task Commit_SameContentTwice_StoredOnceAndScratchGone()
    {
        var store = NewStore();
        var bytes = RandomNumberGenerator.GetBytes(3 * ArtifactStore.BufferBytes + 17); // several reads of the pooled buffer
        var first = await ReceiveAndHashAsync(store, bytes);
        var second = await ReceiveAndHashAsync(store, bytes);

        store.Commit(first);
        store.Commit(second);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(store.PathOf(first.Sha256)));
        Assert.Empty(Directory.EnumerateFiles(ScratchDirectory));
    }

    [Fact]
    public void Flush_ExistingDirectory_Succeeds_MissingOne_SaysWhich()
    {
        DirectorySync.Flush(_dataDirectory);

        var missing = Path.Combine(_dataDirectory, "nowhere");
        var error = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));
        Assert.Contains(missing, error.Message);
    }
}
