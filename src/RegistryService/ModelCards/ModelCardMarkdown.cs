using System.Globalization;
using System.Text;
using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.ModelCards;

/// <summary>A model card as a Markdown document: the registry's facts, the signature, then one heading per section.</summary>
internal static class ModelCardMarkdown
{
    public const string ContentType = "text/markdown; charset=utf-8";

    public static string Render(ModelCard card)
    {
        var md = new StringBuilder();
        md.Append("# Model card: ").Append(Escape(card.Name)).Append(" v").Append(card.Version).Append("\n\n");
        foreach (var description in Descriptions(card))
        {
            md.Append(Escape(description)).Append("\n\n");
        }

        md.Append("## Details\n\n| Field | Value |\n| --- | --- |\n");
        foreach (var (label, value) in ModelCardFacts.Of(card))
        {
            md.Append("| ").Append(label).Append(" | ").Append(Cell(value)).Append(" |\n");
        }

        md.Append('\n');
        AppendStageHistory(md, card.StageHistory);
        AppendTags(md, "Tags", card.Tags);
        AppendTags(md, "Version tags", card.VersionTags);

        md.Append("## Signature\n\n");
        AppendTensors(md, "Inputs", card.Signature.Inputs);
        AppendTensors(md, "Outputs", card.Signature.Outputs);

        foreach (var section in ModelCardSections.Names)
        {
            md.Append("## ").Append(ModelCardSections.Title(section)).Append("\n\n");
            if (!card.Sections.TryGetValue(section, out var content))
            {
                md.Append("_Not written yet._\n\n");
                continue;
            }

            AppendSection(md, SectionLine.From(content));
        }

        return md.ToString();
    }

    internal static IEnumerable<string> Descriptions(ModelCard card) =>
        new[] { card.ModelDescription, card.Description }.Where(text => !string.IsNullOrWhiteSpace(text)).Select(text => text!.Trim());

    private static void AppendStageHistory(StringBuilder md, IReadOnlyList<StageTransition> history)
    {
        md.Append("## Stage history\n\n");
        if (history.Count == 0)
        {
            md.Append("_No stage changes yet._\n\n");
            return;
        }

        md.Append("| When | From | To | By |\n| --- | --- | --- | --- |\n");
        foreach (var transition in history)
        {
            md.Append("| ").Append(ModelCardFacts.Timestamp(transition.Timestamp)).Append(" | ").Append(transition.From)
                .Append(" | ").Append(transition.To).Append(" | ").Append(Cell(transition.Actor)).Append(" |\n");
        }

        md.Append('\n');
    }

    private static void AppendTags(StringBuilder md, string title, IReadOnlyDictionary<string, string> tags)
    {
        if (tags.Count == 0)
        {
            return;
        }

        md.Append("## ").Append(title).Append("\n\n");
        foreach (var (key, value) in tags)
        {
            md.Append("- **").Append(Escape(key)).Append("**: ").Append(Escape(value)).Append('\n');
        }

        md.Append('\n');
    }

    private static void AppendTensors(StringBuilder md, string title, IReadOnlyList<TensorSpec> tensors)
    {
        md.Append("### ").Append(title).Append("\n\n");
        if (tensors.Count == 0)
        {
            md.Append("_None._\n\n");
            return;
        }

        md.Append("| Name | Datatype | Shape |\n| --- | --- | --- |\n");
        foreach (var tensor in tensors)
        {
            md.Append("| ").Append(Cell(tensor.Name)).Append(" | ").Append(tensor.Datatype).Append(" | ").Append(ModelCardFacts.Shape(tensor.Shape)).Append(" |\n");
        }

        md.Append('\n');
    }

    private static void AppendSection(StringBuilder md, IReadOnlyList<SectionLine> lines)
    {
        var inList = false;
        foreach (var line in lines)
        {
            var text = line.Key is null ? Escape(line.Text) : $"**{Escape(line.Key)}**: {Escape(line.Text)}".TrimEnd();
            if (line.Depth == 0 && !line.Bullet && line.Key is null)
            {
                // Top-level prose: paragraphs.
                if (inList)
                {
                    md.Append('\n');
                    inList = false;
                }

                if (text.Length > 0)
                {
                    md.Append(text).Append("\n\n");
                }

                continue;
            }

            md.Append(' ', line.Depth * 2).Append(line.Bullet || line.Key is not null ? "- " : "  ").Append(text).Append('\n');
            inList = true;
        }

        md.Append(inList ? "\n" : "");
    }

    private static string Cell(string value) => Escape(value).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Keeps stored text from turning into markup it did not mean (emphasis, HTML, links).</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '`' or '<' or '>' or '[' or ']' or '#')
            {
                escaped.Append('\\');
            }

            escaped.Append(c == '\n' ? ' ' : c);
        }

        return escaped.ToString();
    }
}
