using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Model files on disk, addressed by their SHA-256: <c>artifacts/ab/abcdef….onnx</c>. An upload is
/// streamed to a scratch file (a large pooled buffer), then hashed while the disk writes it: the hash
/// reads the file back from the page cache during the flush, when the processor would otherwise wait
/// for the disk, rather than during the receive, when the sender and the receiver keep it busy. The file
/// is moved into place with one atomic rename — and the directory flushed too, so the new name
/// survives a power loss — so a reader never sees a partial artifact and identical uploads are stored
/// once: a file whose content is already stored is not kept. What ONNX Runtime found in a content is
/// remembered by its SHA-256 (<see cref="Inspect"/>), so the same content uploaded again is not
/// validated again.
/// Registry processes may share the directory (with PostgreSQL): scratch names are unique, a rename is
/// atomic (two processes moving the same SHA-256 into place leave one complete file), and the move
/// happens under the registry's write lock together with recording the version
/// (<see cref="VersionStore.Add"/>), so the start-up clean-up, which runs under that lock too, never
/// sees an artifact between the two.
/// </summary>
internal sealed class ArtifactStore
{
    /// <summary>Bytes received and written, or read back and hashed, at a time.</summary>
    public const int BufferBytes = 1024 * 1024;

    /// <summary>How many contents' inspections are remembered (each a few hundred bytes).</summary>
    private const int MaxInspections = 1024;

    private readonly ConcurrentDictionary<string, ModelInspection> _inspections = new(StringComparer.Ordinal);

    private readonly string _artifactsDirectory;
    private readonly string _scratchDirectory;

    /// <param name="options">The data directory.</param>
    /// <param name="storage">
    /// With a shared database (<see cref="RegistryStorage.SharesDataDirectory"/>) other registry
    /// processes use the same directory: then only scratch files unwritten for <see cref="AbandonedScratchAge"/> are cleared at start.
    /// </param>
    public ArtifactStore(IOptions<RegistryOptions> options, RegistryStorage? storage = null)
    {
        var root = options.Value.DataDirectoryPath;
        _artifactsDirectory = Path.Combine(root, "artifacts");
        _scratchDirectory = Path.Combine(root, "tmp");
        Directory.CreateDirectory(_artifactsDirectory);
        Directory.CreateDirectory(_scratchDirectory);
        // File times come from the operating system's clock, not the registry's TimeProvider.
        ClearScratch(storage?.SharesDataDirectory == true ? DateTimeOffset.UtcNow - AbandonedScratchAge : null);
    }

    /// <summary>
    /// How long a scratch file in a shared data directory goes unwritten before it is taken for one a
    /// dead process left: an upload in progress writes to its file all the time, and moves it into
    /// place seconds after its last write (once ONNX Runtime has checked it).
    /// </summary>
    public static readonly TimeSpan AbandonedScratchAge = TimeSpan.FromHours(1);

    public string PathOf(string sha256) => Path.Combine(_artifactsDirectory, sha256[..2], sha256 + ".onnx");

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    /// <summary>
    /// Validates the received file with ONNX Runtime and reads its signature — or, when the same content
    /// (by SHA-256) was inspected before, returns what was found then.
    /// </summary>
    /// <exception cref="InvalidModelException">ONNX Runtime cannot load it.</exception>
    public ModelInspection Inspect(ScratchFile file)
    {
        if (_inspections.TryGetValue(file.Sha256, out var known))
        {
            return known;
        }

        var inspection = OnnxModelInspector.Inspect(file.Path);
        if (_inspections.Count < MaxInspections)
        {
            _inspections[file.Sha256] = inspection;
        }

        return inspection;
    }

    /// <summary>
    /// Flushes the received file to disk and, while the disk writes, hashes it (<see cref="Hash"/>) and
    /// validates it (<see cref="Inspect"/>): the upload costs the longer of the flush and the processor's
    /// work rather than their sum, and the flush is done before the registry's write lock is taken for
    /// <see cref="Commit"/>, not under it. Content already stored is flushed all the same (whether it is
    /// stored is only known once the hash is), then dropped at <see cref="Commit"/>.
    /// </summary>
    /// <exception cref="InvalidModelException">ONNX Runtime cannot load it (the flush is waited for all the same).</exception>
    public async Task<(ScratchFile File, ModelInspection Inspection)> HashInspectAndFlushAsync(ReceivedFile received)
    {
        var flushing = Task.Run(() => FlushToDisk(received.Path));
        try
        {
            var file = Hash(received);
            var inspection = Inspect(file);
            await flushing;
            return (file with { Flushed = true }, inspection);
        }
        catch
        {
            // No flush left running on a file the caller is about to delete.
            await flushing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    /// <summary>Reads a received file back (from the page cache, right after the receive) to take its SHA-256.</summary>
    public static ScratchFile Hash(ReceivedFile received)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            using var handle = File.OpenHandle(received.Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            long size = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, size)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                size += read;
            }

            return new ScratchFile(received.Path, Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> to a scratch file (neither hashed nor flushed yet: see
    /// <see cref="HashInspectAndFlushAsync"/>). Throws <see cref="UploadTooLargeException"/> past
    /// <paramref name="maxBytes"/>; the scratch file is removed on any failure.
    /// </summary>
    public async Task<ReceivedFile> ReceiveAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_scratchDirectory, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            long size = 0;
            var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
            try
            {
                await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
                int read;
                while ((read = await ReadChunkAsync(source, buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new UploadTooLargeException(maxBytes);
                    }

                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return new ReceivedFile(path, size);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// Moves a received file to its content address, flushed to disk first (unless <see cref="ScratchFile.Flushed"/>)
    /// and the directory after; a file already there is kept (it was flushed when it came).
    /// </summary>
    public void Commit(ScratchFile file)
    {
        var target = PathOf(file.Sha256);
        var directory = Path.GetDirectoryName(target)!;
        if (File.Exists(target))
        {
            TryDelete(file.Path);
            return;
        }

        if (!file.Flushed)
        {
            FlushToDisk(file.Path);
        }

        var created = !Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        File.Move(file.Path, target, overwrite: true);
        DirectorySync.Flush(directory);
        if (created)
        {
            DirectorySync.Flush(_artifactsDirectory);
        }
    }

    private static void FlushToDisk(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>Fills as much of <paramref name="buffer"/> as the source gives before it ends: fewer, larger writes.</summary>
    private static async ValueTask<int> ReadChunkAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        return filled;
    }

    /// <summary>
    /// Deletes the artifacts no version refers to: a process killed between moving an upload into
    /// place and recording its version leaves one, and so does deleting the last version of a file.
    /// Only safe while no upload can move a file into place, so the registry calls it at start under
    /// the write lock (<see cref="VersionStore.DeleteUnreferencedArtifacts"/>). Returns how many went.
    /// </summary>
    public int DeleteUnreferenced(IReadOnlySet<string> referencedSha256)
    {
        var unreferenced = Unreferenced(referencedSha256);
        foreach (var file in unreferenced)
        {
            TryDelete(file);
        }

        return unreferenced.Count;
    }

    /// <summary>The files in the artifact directory that are not the artifact of one of <paramref name="referencedSha256"/>.</summary>
    public IReadOnlyList<string> Unreferenced(IReadOnlySet<string> referencedSha256) =>
        Directory.EnumerateFiles(_artifactsDirectory, "*", SearchOption.AllDirectories)
            .Where(file => !referencedSha256.Contains(Path.GetFileNameWithoutExtension(file)) || Path.GetExtension(file) != ".onnx")
            .ToList();

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Scratch files left by a process that died mid-upload belong to no version: all of them go, or,
    /// in a shared directory, those last written before <paramref name="writtenBefore"/> (another
    /// replica may be receiving the others).
    /// </summary>
    private void ClearScratch(DateTimeOffset? writtenBefore)
    {
        foreach (var file in Directory.EnumerateFiles(_scratchDirectory, "*.part"))
        {
            if (writtenBefore is null || File.GetLastWriteTimeUtc(file) < writtenBefore.Value.UtcDateTime)
            {
                TryDelete(file);
            }
        }
    }
}
