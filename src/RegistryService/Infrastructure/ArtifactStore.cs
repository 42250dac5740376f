using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>
/// Model files on disk, addressed by their SHA-256: <c>artifacts/ab/abcdef….onnx</c>. An upload is
/// streamed to a scratch file while it is hashed, then moved into place with one atomic rename, so a
/// reader never sees a partial artifact and identical uploads are stored once.
/// </summary>
internal sealed class ArtifactStore
{
    private readonly string _artifactsDirectory;
    private readonly string _scratchDirectory;

    public ArtifactStore(IOptions<RegistryOptions> options)
    {
        var root = options.Value.DataDirectoryPath;
        _artifactsDirectory = Path.Combine(root, "artifacts");
        _scratchDirectory = Path.Combine(root, "tmp");
        Directory.CreateDirectory(_artifactsDirectory);
        Directory.CreateDirectory(_scratchDirectory);
        ClearScratch();
    }

    public string PathOf(string sha256) => Path.Combine(_artifactsDirectory, sha256[..2], sha256 + ".onnx");

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    /// <summary>
    /// Copies <paramref name="source"/> to a scratch file, hashing as it goes. Throws
    /// <see cref="UploadTooLargeException"/> past <paramref name="maxBytes"/>; the scratch file is
    /// removed on any failure.
    /// </summary>
    public async Task<ScratchFile> ReceiveAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_scratchDirectory, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new UploadTooLargeException(maxBytes);
                    }

                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                await target.FlushAsync(cancellationToken);
                target.Flush(flushToDisk: true);
            }

            return new ScratchFile(path, Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>Moves a received file to its content address; a file already there is kept.</summary>
    public void Commit(ScratchFile file)
    {
        var target = PathOf(file.Sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target))
        {
            TryDelete(file.Path);
            return;
        }

        File.Move(file.Path, target, overwrite: true);
    }

    /// <summary>
    /// Deletes the artifacts no version refers to: a process killed between moving an upload into
    /// place and recording its version leaves one, and so does deleting the last version of a file.
    /// Only safe while nothing uploads, so the registry calls it once, at start. Returns how many went.
    /// </summary>
    public int DeleteUnreferenced(IReadOnlySet<string> referencedSha256)
    {
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(_artifactsDirectory, "*", SearchOption.AllDirectories))
        {
            if (!referencedSha256.Contains(Path.GetFileNameWithoutExtension(file)) || Path.GetExtension(file) != ".onnx")
            {
                TryDelete(file);
                deleted++;
            }
        }

        return deleted;
    }

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

    /// <summary>Scratch files left by a process that died mid-upload belong to no version.</summary>
    private void ClearScratch()
    {
        foreach (var file in Directory.EnumerateFiles(_scratchDirectory, "*.part"))
        {
            TryDelete(file);
        }
    }
}
