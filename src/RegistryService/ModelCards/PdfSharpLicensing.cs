using PdfSharp;

namespace Maestro.RegistryService.ModelCards;

/// <summary>
/// Selects PDFsharp's license from <c>Registry:PdfSharpLicense</c>, once per process (PDFsharp keeps
/// it in a static). The choice is the operator's: nothing here picks one by default.
/// </summary>
internal static class PdfSharpLicensing
{
    public const string Setting = "Registry:PdfSharpLicense";
    public const string Agpl = "AGPL";

    private static readonly Lock ApplyLock = new();
    private static bool s_applied;

    /// <summary><c>null</c> when PDFsharp has a valid license; otherwise why not, for a 503.</summary>
    public static string? Apply(string? license)
    {
        lock (ApplyLock)
        {
            // Checked on every call: a registry whose operator made no choice never makes a PDF, even
            // when another registry in the same process did choose.
            if (string.IsNullOrWhiteSpace(license))
            {
                return $"PDF generation is not enabled: PDFsharp 6.5 needs a license choice. Set {Setting} to '{Agpl}' "
                    + "to accept PDFsharp's AGPL-3.0 terms, or to a commercial PDFsharp license key.";
            }

            if (s_applied)
            {
                return null;
            }

            try
            {
                if (license.Trim().Equals(Agpl, StringComparison.OrdinalIgnoreCase))
                {
                    PdfSharpLicense.SetAgplLicense();
                }
                else
                {
                    PdfSharpLicense.LoadLicense(license.Trim());
                }

                // PDFsharp checks the license when a document is made: make one to learn now.
                using var probe = new PdfSharp.Pdf.PdfDocument();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return $"{Setting} is not a license PDFsharp accepts: {ex.Message}";
            }

            s_applied = true;
            return null;
        }
    }
}
