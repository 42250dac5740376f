using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Maestro.RegistryService.ModelCards;

/// <summary>
/// Writes text top to bottom over A4 pages: wraps lines to the width, starts a new page when the
/// current one is full, and stamps "Page i of n" on every page at the end.
/// </summary>
internal sealed class PdfFlow : IDisposable
{
    public const double Margin = 56;
    public const double IndentStep = 12;
    private const double FooterHeight = 28;
    private const double CellPadding = 4;
    private const int KeepTogetherLines = 4;

    private static readonly XColor Ink = XColor.FromArgb(33, 37, 41);
    private static readonly XColor Muted = XColor.FromArgb(108, 117, 125);
    private static readonly XColor Rule = XColor.FromArgb(206, 212, 218);
    private static readonly XColor Shade = XColor.FromArgb(241, 243, 245);
    private static readonly XColor Accent = XColor.FromArgb(25, 80, 140);

    private readonly PdfDocument _document;
    private readonly string _footer;
    private XGraphics? _graphics;
    private double _y;

    public PdfFlow(PdfDocument document, string footer)
    {
        _document = document;
        _footer = footer;
        var family = DejaVuFontResolver.FamilyName;
        Title = new XFont(family, 20, XFontStyleEx.Bold);
        Heading = new XFont(family, 14, XFontStyleEx.Bold);
        Subheading = new XFont(family, 11, XFontStyleEx.Bold);
        Body = new XFont(family, 10, XFontStyleEx.Regular);
        BodyBold = new XFont(family, 10, XFontStyleEx.Bold);
        Small = new XFont(family, 8, XFontStyleEx.Regular);
        NewPage();
    }

    public XFont Title { get; }

    public XFont Heading { get; }

    public XFont Subheading { get; }

    public XFont Body { get; }

    public XFont BodyBold { get; }

    public XFont Small { get; }

    private XGraphics Graphics => _graphics!;

    private double PageWidth => _document.Pages[^1].Width.Point;

    private double PageHeight => _document.Pages[^1].Height.Point;

    private double ContentWidth => PageWidth - (2 * Margin);

    private double Bottom => PageHeight - Margin - FooterHeight;

    public void Space(double points) => _y = Math.Min(_y + points, Bottom);

    public void Heading1(string text)
    {
        // A heading is never the last thing on a page: it keeps two lines of what follows with it.
        EnsureSpace(LineHeight(Heading) + (2 * LineHeight(Body)) + 14);
        Space(10);
        Graphics.DrawString(text, Heading, new XSolidBrush(Accent), Margin, _y, XStringFormats.TopLeft);
        _y += LineHeight(Heading);
        Graphics.DrawLine(new XPen(Rule, 0.75), Margin, _y, Margin + ContentWidth, _y);
        _y += 6;
    }

    public void Heading2(string text)
    {
        EnsureSpace(LineHeight(Subheading) + (2 * LineHeight(Body)) + 6);
        Space(4);
        Graphics.DrawString(text, Subheading, new XSolidBrush(Ink), Margin, _y, XStringFormats.TopLeft);
        _y += LineHeight(Subheading) + 2;
    }

    public void TitleText(string text)
    {
        foreach (var line in Wrap(text, Title, ContentWidth))
        {
            EnsureSpace(LineHeight(Title));
            Graphics.DrawString(line, Title, new XSolidBrush(Ink), Margin, _y, XStringFormats.TopLeft);
            _y += LineHeight(Title);
        }

        _y += 4;
    }

    /// <summary>
    /// A wrapped paragraph at <paramref name="depth"/>; with <paramref name="bullet"/> a bullet hangs
    /// before it, with <paramref name="key"/> the text follows "key: " in bold.
    /// </summary>
    public void Paragraph(string text, int depth = 0, bool bullet = false, string? key = null, XFont? font = null, bool muted = false)
    {
        font ??= Body;
        var left = Margin + (depth * IndentStep) + (bullet ? 12 : 0);
        var width = Margin + ContentWidth - left;
        var lineHeight = LineHeight(font);
        var brush = new XSolidBrush(muted ? Muted : Ink);

        var keyText = key is null ? "" : key + ": ";
        var keyWidth = key is null ? 0 : Graphics.MeasureString(keyText, BodyBold).Width;
        var lines = Wrap(text, font, width, firstLineIndent: keyWidth);

        // A short paragraph (a list item, a "key: value") is never split across pages.
        EnsureSpace(lineHeight * Math.Min(lines.Count, KeepTogetherLines));
        for (var i = 0; i < lines.Count; i++)
        {
            EnsureSpace(lineHeight);
            if (i == 0)
            {
                if (bullet)
                {
                    Graphics.DrawString("•", font, brush, left - 10, _y, XStringFormats.TopLeft);
                }

                if (key is not null)
                {
                    Graphics.DrawString(keyText, BodyBold, brush, left, _y, XStringFormats.TopLeft);
                }
            }

            Graphics.DrawString(lines[i], font, brush, left + (i == 0 ? keyWidth : 0), _y, XStringFormats.TopLeft);
            _y += lineHeight;
        }

        _y += 2;
    }

    /// <summary>
    /// A ruled table whose cells wrap; <paramref name="header"/> (optional) is printed shaded and
    /// bold, as is the first column when <paramref name="labelColumn"/>. A row never splits across pages.
    /// </summary>
    public void Table(double[] columnWidths, IReadOnlyList<string[]> rows, string[]? header = null, bool labelColumn = false)
    {
        var scale = ContentWidth / columnWidths.Sum();
        var widths = columnWidths.Select(w => w * scale).ToArray();
        if (header is not null)
        {
            Row(widths, header, _ => BodyBold, shaded: _ => true);
        }

        foreach (var row in rows)
        {
            Row(widths, row, column => labelColumn && column == 0 ? BodyBold : Body, shaded: column => labelColumn && column == 0);
        }

        _y += 6;
    }

    private void Row(double[] widths, string[] cells, Func<int, XFont> fontOf, Func<int, bool> shaded)
    {
        var wrapped = cells.Select((cell, column) => Wrap(cell, fontOf(column), widths[column] - (2 * CellPadding))).ToArray();
        var height = wrapped.Select((lines, column) => lines.Count * LineHeight(fontOf(column))).Max() + (2 * CellPadding);
        EnsureSpace(height);

        var x = Margin;
        var pen = new XPen(Rule, 0.75);
        for (var column = 0; column < cells.Length; column++)
        {
            if (shaded(column))
            {
                Graphics.DrawRectangle(new XSolidBrush(Shade), x, _y, widths[column], height);
            }

            Graphics.DrawRectangle(pen, x, _y, widths[column], height);
            var y = _y + CellPadding;
            foreach (var line in wrapped[column])
            {
                Graphics.DrawString(line, fontOf(column), new XSolidBrush(Ink), x + CellPadding, y, XStringFormats.TopLeft);
                y += LineHeight(fontOf(column));
            }

            x += widths[column];
        }

        _y += height;
    }

    /// <summary>Ends the last page and numbers every page.</summary>
    public void Finish()
    {
        _graphics?.Dispose();
        _graphics = null;
        var count = _document.PageCount;
        for (var i = 0; i < count; i++)
        {
            var page = _document.Pages[i];
            using var graphics = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            var y = page.Height.Point - Margin - Small.GetHeight() + 8;
            graphics.DrawLine(new XPen(Rule, 0.5), Margin, y - 6, page.Width.Point - Margin, y - 6);
            graphics.DrawString(_footer, Small, new XSolidBrush(Muted), Margin, y, XStringFormats.TopLeft);
            var number = string.Create(CultureInfo.InvariantCulture, $"Page {i + 1} of {count}");
            graphics.DrawString(number, Small, new XSolidBrush(Muted), page.Width.Point - Margin, y, XStringFormats.TopRight);
        }
    }

    public void Dispose() => _graphics?.Dispose();

    private void EnsureSpace(double height)
    {
        if (_y + height > Bottom && _y > Margin)
        {
            NewPage();
        }
    }

    private void NewPage()
    {
        _graphics?.Dispose();
        var page = _document.AddPage();
        page.Size = PageSize.A4;
        _graphics = XGraphics.FromPdfPage(page);
        _y = Margin;
    }

    private static double LineHeight(XFont font) => font.GetHeight() * 1.15;

    /// <summary>
    /// Breaks <paramref name="text"/> into lines no wider than <paramref name="width"/>, at spaces
    /// where it can and inside a word (a hash, a URL) where it must. Newlines start new lines.
    /// </summary>
    private List<string> Wrap(string text, XFont font, double width, double firstLineIndent = 0)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (Fits(candidate, font, Available(lines, width, firstLineIndent)))
                {
                    line = candidate;
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line);
                    line = "";
                }

                // The word alone: split it wherever the width runs out.
                var rest = word;
                while (rest.Length > 0 && !Fits(rest, font, Available(lines, width, firstLineIndent)))
                {
                    // The longest prefix that fits, by bisection (a section may be one 64 KB word).
                    var (fits, tooLong) = (1, rest.Length);
                    while (tooLong - fits > 1)
                    {
                        var middle = (fits + tooLong) / 2;
                        (fits, tooLong) = Fits(rest[..middle], font, Available(lines, width, firstLineIndent)) ? (middle, tooLong) : (fits, middle);
                    }

                    var take = fits;

                    lines.Add(rest[..take]);
                    rest = rest[take..];
                }

                line = rest;
            }

            lines.Add(line);
        }

        return lines;
    }

    private static double Available(List<string> lines, double width, double firstLineIndent) =>
        lines.Count == 0 ? width - firstLineIndent : width;

    private bool Fits(string text, XFont font, double width) => Graphics.MeasureString(text, font).Width <= width;
}
