using Maestro.Testing;

namespace Maestro.RegistryService.Tests.ModelCards;

/// <summary>Pages of a PDF as images, drawn by poppler's <c>pdftoppm</c> (Debian's poppler-utils, which ./test.sh installs).</summary>
internal static class PdfPages
{
    /// <summary>Draws page 1 of <paramref name="pdf"/> at 72 dpi to <c>&lt;directory&gt;/&lt;name&gt;.png</c> and returns that path.</summary>
    public static async Task<string> RenderFirstPageAsync(byte[] pdf, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var input = Path.Combine(directory, name + ".pdf");
        await File.WriteAllBytesAsync(input, pdf);
        var prefix = Path.Combine(directory, name);
        var run = await CommandLine.RunAsync("pdftoppm", ["-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", input, prefix], TimeSpan.FromMinutes(1));
        Assert.True(run.Succeeded, "pdftoppm could not draw the PDF (apt-get install poppler-utils): " + run.Describe());
        return prefix + ".png";
    }
}
