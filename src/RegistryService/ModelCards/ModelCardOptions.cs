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

    /// <summary>
    /// The license model card PDFs are made under: PDFsharp 6.5 refuses to work until its user picks
    /// one. <c>AGPL</c> selects PDFsharp's free AGPL-3.0 license (whose terms then reach the registry
    /// as a network service); anything else is loaded as a commercial license key. Unset, PDF
    /// generation answers 503 and every other model card endpoint works.
    /// </summary>
    public string? PdfSharpLicense { get; set; }
}
