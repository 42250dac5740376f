using System.ComponentModel.DataAnnotations;

namespace Maestro.RegistryService.Infrastructure;

/// <summary>Where and how much the registry stores, under <c>Registry</c> (model card settings: <see cref="ModelCards.ModelCardOptions"/>).</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>Where the SQLite database, artifacts and upload scratch space live.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "maestro-data/registry";

    /// <summary>Largest accepted model upload, in bytes (default 512 MB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary><see cref="DataDirectory"/> as an absolute path.</summary>
    public string DataDirectoryPath => Path.GetFullPath(DataDirectory);
}
