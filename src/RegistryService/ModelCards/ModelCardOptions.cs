namespace Maestro.RegistryService.ModelCards;

/// <summary>How model card PDFs are made, under <c>Registry</c>.</summary>
public sealed class ModelCardOptions
{
    public const string SectionName = "Registry";

    /// <summary>
    /// A directory with DejaVuSans.ttf (and DejaVuSans-Bold.ttf) for model card PDFs, searched before
    /// /usr/share/fonts/truetype/dejavu/ (Debian's fonts-dejavu-core). Optional.
    /// </summary>
    public string? FontDirectory { get; set; }
}
