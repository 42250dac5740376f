using Maestro.RegistryService.ModelCards;
using Maestro.Testing;

namespace Maestro.RegistryService.Tests.ModelCards;

public sealed class ModelCardFontsTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("fonts");

    [Fact]
    public void TryInstall_NoFontInAnyDirectory_ReturnsFalse()
    {
        var fonts = new ModelCardFonts([_directory, Path.Combine(_directory, "missing")]);

        Assert.False(fonts.TryInstall());
        Assert.Null(fonts.Find());
    }

    [Fact]
    public void Find_DirectoryWithRegularFaceOnly_UsesItForBold()
    {
        var regular = new byte[] { 1, 2, 3 };
        File.WriteAllBytes(Path.Combine(_directory, ModelCardFonts.RegularFile), regular);

        var resolver = new ModelCardFonts([Path.Combine(_directory, "missing"), _directory]).Find();

        Assert.NotNull(resolver);
        var bold = resolver.ResolveTypeface(DejaVuFontResolver.FamilyName, isBold: true, isItalic: false)!;
        Assert.Equal(regular, resolver.GetFont(bold.FaceName));
    }

    [Fact]
    public void Constructor_ConfiguredDirectory_IsSearchedBeforeTheSystemOne()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new Maestro.RegistryService.ModelCards.ModelCardOptions { FontDirectory = _directory });

        Assert.Equal([_directory, ModelCardFonts.SystemDirectory], new ModelCardFonts(options).Directories);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
