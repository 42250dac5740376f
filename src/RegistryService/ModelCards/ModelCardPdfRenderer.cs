using Maestro.RegistryService.Model;
using PdfSharp.Pdf;

namespace Maestro.RegistryService.ModelCards;

/// <summary>
/// A model card as a PDF for a person: title and descriptions, a table of the registry's facts,
/// the stage history, tags, the signature, then every section under its heading.
/// </summary>
internal sealed class ModelCardPdfRenderer(ModelCardFonts fonts)
{
    public const string ContentType = "application/pdf";

    /// <summary>
    /// <c>null</c> when PDFs can be made; otherwise what the operator has to do first (install
    /// fonts-dejavu-core or point Registry:FontDirectory at the fonts).
    /// </summary>
    public string? CheckReady()
    {
        return fonts.TryInstall()
            ? null
            : $"No font to write the PDF with: DejaVuSans.ttf is in none of {string.Join(", ", fonts.Directories)}. "
                + "Install the Debian package fonts-dejavu-core (apt-get install fonts-dejavu-core) or set Registry:FontDirectory.";
    }

    /// <summary>The PDF's bytes. Call <see cref="CheckReady"/> first.</summary>
    public byte[] Render(ModelCard card)
    {
        using var document = new PdfDocument();
        document.Info.Title = $"Model card: {card.Name} v{card.Version}";
        document.Info.Subject = "Model card";
        document.Info.Creator = "Maestro model registry";
        document.Options.CompressContentStreams = true;

        using (var flow = new PdfFlow(document, $"Maestro model card · {card.Name} v{card.Version}"))
        {
            Write(flow, card);
            flow.Finish();
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void Write(PdfFlow flow, ModelCard card)
    {
        flow.TitleText($"Model card: {card.Name}");
        flow.Paragraph($"Version {card.Version} · {card.CurrentStage}", font: flow.Subheading, muted: true);
        foreach (var description in ModelCardMarkdown.Descriptions(card))
        {
            flow.Paragraph(description);
        }

        flow.Heading1("Details");
        flow.Table([1, 3.2], [.. ModelCardFacts.Of(card).Select(fact => new[] { fact.Label, fact.Value })], labelColumn: true);

        flow.Heading1("Stage history");
        if (card.StageHistory.Count == 0)
        {
            flow.Paragraph("No stage changes yet.", muted: true);
        }
        else
        {
            flow.Table([1.6, 1, 1, 1.6],
                [.. card.StageHistory.Select(t => new[] { ModelCardFacts.Timestamp(t.Timestamp), t.From, t.To, t.Actor })],
                header: ["When", "From", "To", "By"]);
        }

        if (card.Tags.Count > 0 || card.VersionTags.Count > 0)
        {
            flow.Heading1("Tags");
            foreach (var (key, value) in card.Tags)
            {
                flow.Paragraph(value, bullet: true, key: key);
            }

            foreach (var (key, value) in card.VersionTags)
            {
                flow.Paragraph(value, bullet: true, key: $"{key} (version)");
            }
        }

        flow.Heading1("Signature");
        WriteTensors(flow, "Inputs", card.Signature.Inputs);
        WriteTensors(flow, "Outputs", card.Signature.Outputs);

        foreach (var section in ModelCardSections.Names)
        {
            flow.Heading1(ModelCardSections.Title(section));
            if (!card.Sections.TryGetValue(section, out var content))
            {
                flow.Paragraph("Not written yet.", muted: true);
                continue;
            }

            foreach (var line in SectionLine.From(content))
            {
                flow.Paragraph(line.Text, line.Depth, line.Bullet, line.Key);
            }
        }
    }

    private static void WriteTensors(PdfFlow flow, string title, IReadOnlyList<TensorSpec> tensors)
    {
        flow.Heading2(title);
        if (tensors.Count == 0)
        {
            flow.Paragraph("None.", muted: true);
            return;
        }

        flow.Table([2.2, 1, 1.6],
            [.. tensors.Select(tensor => new[] { tensor.Name, tensor.Datatype, ModelCardFacts.Shape(tensor.Shape) })],
            header: ["Name", "Datatype", "Shape"]);
    }
}
