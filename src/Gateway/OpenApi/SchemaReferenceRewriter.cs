using Microsoft.OpenApi;

namespace Maestro.Gateway.OpenApi;

/// <summary>
/// Moves one service's schemas into the merged document: every <c>$ref</c> to a component schema is
/// replaced by a reference hosted by the merged document, under the schema's new name when it had to
/// be renamed to keep it apart from another service's schema of the same name. Inline schemas are
/// rewritten in place (each merge works on freshly parsed documents).
/// </summary>
internal sealed class SchemaReferenceRewriter(OpenApiDocument target, IReadOnlyDictionary<string, string> renamed)
{
    public IOpenApiSchema Rewrite(IOpenApiSchema schema)
    {
        switch (schema)
        {
            case OpenApiSchemaReference reference:
                var id = reference.Reference.Id ?? "";
                return new OpenApiSchemaReference(renamed.GetValueOrDefault(id, id), target)
                {
                    Description = reference.Reference.Description,
                };
            case OpenApiSchema inline:
                RewriteChildren(inline);
                return inline;
            default:
                return schema;
        }
    }

    public void Rewrite(OpenApiOperation operation)
    {
        Rewrite(operation.Parameters);
        if (operation.RequestBody is OpenApiRequestBody body)
        {
            Rewrite(body.Content);
        }

        foreach (var response in operation.Responses?.Values.ToList() ?? [])
        {
            if (response is OpenApiResponse concrete)
            {
                Rewrite(concrete.Content);
                foreach (var header in concrete.Headers?.Values.OfType<OpenApiHeader>() ?? [])
                {
                    header.Schema = RewriteOrNull(header.Schema);
                }
            }
        }
    }

    public void Rewrite(IEnumerable<IOpenApiParameter>? parameters)
    {
        foreach (var parameter in parameters?.OfType<OpenApiParameter>() ?? [])
        {
            parameter.Schema = RewriteOrNull(parameter.Schema);
        }
    }

    private void Rewrite(IDictionary<string, OpenApiMediaType>? content)
    {
        foreach (var media in content?.Values ?? [])
        {
            media.Schema = RewriteOrNull(media.Schema);
        }
    }

    private IOpenApiSchema? RewriteOrNull(IOpenApiSchema? schema) => schema is null ? null : Rewrite(schema);

    private void RewriteChildren(OpenApiSchema schema)
    {
        schema.Items = RewriteOrNull(schema.Items);
        schema.Not = RewriteOrNull(schema.Not);
        schema.AdditionalProperties = RewriteOrNull(schema.AdditionalProperties);
        schema.Contains = RewriteOrNull(schema.Contains);
        schema.If = RewriteOrNull(schema.If);
        schema.Then = RewriteOrNull(schema.Then);
        schema.Else = RewriteOrNull(schema.Else);
        schema.PropertyNames = RewriteOrNull(schema.PropertyNames);
        schema.ContentSchema = RewriteOrNull(schema.ContentSchema);
        schema.UnevaluatedPropertiesSchema = RewriteOrNull(schema.UnevaluatedPropertiesSchema);
        Rewrite(schema.AllOf);
        Rewrite(schema.OneOf);
        Rewrite(schema.AnyOf);
        Rewrite(schema.Properties);
        Rewrite(schema.PatternProperties);
        Rewrite(schema.Definitions);
        Rewrite(schema.DependentSchemas);
    }

    private void Rewrite(IList<IOpenApiSchema>? schemas)
    {
        for (var i = 0; i < (schemas?.Count ?? 0); i++)
        {
            schemas![i] = Rewrite(schemas[i]);
        }
    }

    private void Rewrite(IDictionary<string, IOpenApiSchema>? schemas)
    {
        foreach (var key in schemas?.Keys.ToList() ?? [])
        {
            schemas![key] = Rewrite(schemas[key]);
        }
    }
}
