using System.Text;
using System.Text.Json;
using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.ModelCards;

/// <summary>
/// Checks written sections before they reach a card, lays overrides over a stored card, and tells
/// which required sections a card still lacks.
/// </summary>
internal static class ModelCardBuilder
{
    /// <summary>
    /// <c>null</c> when every entry names a known section of at most
    /// <see cref="ModelCardSections.MaxSectionBytes"/>; otherwise the reason, for a 400.
    /// </summary>
    public static string? CheckSections(IReadOnlyDictionary<string, JsonElement> sections)
    {
        var unknown = sections.Keys.Where(name => !ModelCardSections.IsKnown(name)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            return $"Unknown model card section{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(name => $"'{name}'"))}: "
                + $"the sections are {string.Join(", ", ModelCardSections.Names)}.";
        }

        foreach (var (name, content) in sections)
        {
            var bytes = Encoding.UTF8.GetByteCount(content.GetRawText());
            if (bytes > ModelCardSections.MaxSectionBytes)
            {
                return $"Section '{name}' is {bytes} bytes of JSON; a section holds at most {ModelCardSections.MaxSectionBytes} bytes (64 KB).";
            }
        }

        return null;
    }

    /// <summary>
    /// The card as it would read with <paramref name="overrides"/> in place of its stored sections
    /// (a JSON <c>null</c> leaves a section out). Nothing is stored.
    /// </summary>
    public static ModelCard WithOverrides(ModelCard card, IReadOnlyDictionary<string, JsonElement>? overrides)
    {
        if (overrides is not { Count: > 0 })
        {
            return card;
        }

        var sections = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var name in ModelCardSections.Names)
        {
            if (overrides.TryGetValue(name, out var value))
            {
                if (value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
                {
                    sections[name] = value.Clone();
                }
            }
            else if (card.Sections.TryGetValue(name, out var stored))
            {
                sections[name] = stored;
            }
        }

        return card with { Sections = sections };
    }

    /// <summary>Required sections the card lacks, or has only empty (blank text, <c>{}</c>, <c>[]</c>).</summary>
    public static ModelCardValidation Validate(ModelCard card)
    {
        var missing = ModelCardSections.Required
            .Where(name => !card.Sections.TryGetValue(name, out var content) || IsEmpty(content))
            .ToList();
        return new ModelCardValidation(missing.Count == 0, missing);
    }

    private static bool IsEmpty(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => string.IsNullOrWhiteSpace(content.GetString()),
        JsonValueKind.Object => !content.EnumerateObject().Any(),
        JsonValueKind.Array => content.GetArrayLength() == 0,
        JsonValueKind.Null or JsonValueKind.Undefined => true,
        _ => false,
    };
}
