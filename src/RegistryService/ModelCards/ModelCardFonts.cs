using Microsoft.Extensions.Options;
using PdfSharp.Fonts;

namespace Maestro.RegistryService.ModelCards;

/// <summary>
/// Finds DejaVu Sans for the PDF renderer: in <c>Registry:FontDirectory</c> when set, then where the
/// Debian package fonts-dejavu-core puts it. PDFsharp has one font resolver per process, so the
/// first fonts found are the ones every PDF uses.
/// </summary>
internal sealed class ModelCardFonts
{
    public const string SystemDirectory = "/usr/share/fonts/truetype/dejavu/";
    public const string RegularFile = "DejaVuSans.ttf";
    public const string BoldFile = "DejaVuSans-Bold.ttf";

    private static readonly Lock InstallLock = new();
    private static DejaVuFontResolver? s_installed;

    private readonly IReadOnlyList<string> _directories;
    private DejaVuFontResolver? _found;

    public ModelCardFonts(IOptions<ModelCardOptions> options)
        : this(string.IsNullOrWhiteSpace(options.Value.FontDirectory) ? [SystemDirectory] : [options.Value.FontDirectory, SystemDirectory])
    {
    }

    internal ModelCardFonts(IReadOnlyList<string> directories) => _directories = directories;

    /// <summary>Where the fonts are looked for, in order.</summary>
    public IReadOnlyList<string> Directories => _directories;

    /// <summary>
    /// Makes DejaVu Sans available to PDFsharp; <c>false</c> when no searched directory has
    /// <see cref="RegularFile"/> (and nothing is installed).
    /// </summary>
    public bool TryInstall()
    {
        // Looked for by every registry (once): one without fonts says so even when another in the
        // same process has installed them.
        if ((_found ??= Find()) is not { } resolver)
        {
            return false;
        }

        if (Volatile.Read(ref s_installed) is not null)
        {
            return true;
        }

        lock (InstallLock)
        {
            if (s_installed is null)
            {
                GlobalFontSettings.FontResolver = resolver;
                Volatile.Write(ref s_installed, resolver);
            }
        }

        return true;
    }

    /// <summary>The fonts in the first directory that has the regular face; the bold face falls back to it.</summary>
    internal DejaVuFontResolver? Find()
    {
        foreach (var directory in _directories)
        {
            var regular = Path.Combine(directory, RegularFile);
            if (!File.Exists(regular))
            {
                continue;
            }

            try
            {
                var regularBytes = File.ReadAllBytes(regular);
                var bold = Path.Combine(directory, BoldFile);
                return new DejaVuFontResolver(regularBytes, File.Exists(bold) ? File.ReadAllBytes(bold) : regularBytes);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Unreadable here: try the next directory.
            }
        }

        return null;
    }
}
