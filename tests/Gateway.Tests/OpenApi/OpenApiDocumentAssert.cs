using System.Text.Json;
using Microsoft.OpenApi;

namespace Maestro.Testing;

/// <summary>
/// Checks a published OpenAPI document the way a client tool would: read back with Microsoft.OpenApi's
/// reader, run its validator, and resolve every <c>$ref</c>. (Shared by the gateway and end-to-end tests.)
/// </summary>
internal static class OpenApiDocumentAssert
{
    /// <summary>Reads <paramref name="json"/> and asserts the reader and the validator report nothing.</summary>
    public static OpenApiDocument ValidOpenApi3(string json)
    {
        var (document, diagnostic) = OpenApiDocument.Parse(json, OpenApiConstants.Json);
        Assert.NotNull(document);
        Assert.Empty(diagnostic!.Errors.Select(e => e.ToString()));
        Assert.Empty(diagnostic.Warnings.Select(e => e.ToString()));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.Empty((document.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []).Select(e => e.ToString()));
        return document;
    }

    /// <summary>Every local <c>$ref</c> in the document points at something that exists in it.</summary>
    public static void NoDanglingReferences(string json)
    {
        using var parsed = JsonDocument.Parse(json);
        var references = new List<string>();
        Collect(parsed.RootElement, references);
        Assert.NotEmpty(references);
        foreach (var reference in references.Distinct())
        {
            Assert.StartsWith("#/", reference);
            var target = parsed.RootElement;
            foreach (var segment in reference[2..].Split('/'))
            {
                Assert.True(target.TryGetProperty(segment.Replace("~1", "/").Replace("~0", "~"), out target), $"{reference} points at nothing.");
            }
        }
    }

    private static void Collect(JsonElement element, List<string> references)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "$ref" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        references.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        Collect(property.Value, references);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, references);
                }

                break;
        }
    }
}
