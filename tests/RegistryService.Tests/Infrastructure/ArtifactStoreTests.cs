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

    [Fact]
    public async Task ReceiveAsync_Stream_WritesScratchFileWithShaAndSize()
    {
        var store = NewStore();
        var bytes = RandomNumberGenerator.GetBytes(200_000);

        var file = await store.ReceiveAsync(new MemoryStream(bytes), maxBytes: 1_000_000, CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
        Assert.Equal(bytes.Length, file.SizeBytes);
        Assert.Equal(ScratchDirectory, Path.GetDirectoryName(file.Path));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file.Path));
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
        var file = await store.ReceiveAsync(new MemoryStream(bytes), maxBytes: 1000, CancellationToken.None);

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
        var first = await store.ReceiveAsync(new MemoryStream(bytes), maxBytes: 1000, CancellationToken.None);
        var second = await store.ReceiveAsync(new MemoryStream(bytes), maxBytes: 1000, CancellationToken.None);

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
}
