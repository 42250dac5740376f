using PdfSharp.Fonts;

namespace Maestro.RegistryService.ModelCards;

/// <summary>
/// PDFsharp's fonts on Linux, which it cannot find by itself: every family resolves to DejaVu Sans,
/// regular or bold (italic is simulated).
/// </summary>
internal sealed class DejaVuFontResolver(byte[] regular, byte[] bold) : IFontResolver
{
    public const string FamilyName = "DejaVu Sans";
    private const string RegularFace = "DejaVuSans";
    private const string BoldFace = "DejaVuSans-Bold";

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? BoldFace : RegularFace, mustSimulateBold: false, mustSimulateItalic: isItalic);

    public byte[]? GetFont(string faceName) => faceName switch
    {
        RegularFace => regular,
        BoldFace => bold,
        _ => null,
    };
}
