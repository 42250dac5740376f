using System.Security.Cryptography;
using Maestro.InferenceWorker.Registry;
using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// Model files downloaded from the registry, kept on local disk by SHA-256. A download is hashed as
/// it arrives and moved into place only when its hash is the one the registry recorded.
/// </summary>
internal sealed class ArtifactCache
{
    private readonly string _directory;
    private readonly RegistryClient _registry;

    public ArtifactCache(IOptions<WorkerOptions> options, RegistryClient registry)
    {
        _directory = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "models");
        Directory.CreateDirectory(_directory);
        _registry = registry;
    }

    public async Task<string> EnsureAsync(RegistryModelVersion version, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory, version.Sha256 + ".onnx");
        if (File.Exists(path))
        {
            return path;
        }

        var partial = Path.Combine(_directory, $"{version.Sha256}.{Guid.NewGuid():N}.part");
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await _registry.DownloadArtifactAsync(version.Name, version.Version, file, cancellationToken);
                file.Position = 0;
                var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
                if (!string.Equals(actual, version.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new RegistryUnavailableException(
                        $"The artifact of {version.Name} version {version.Version} has SHA-256 {actual}, but the registry recorded {version.Sha256}.");
                }
            }

            File.Move(partial, path, overwrite: true);
            return path;
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }
}
