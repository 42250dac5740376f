using Maestro.Gateway.Auth;
using Microsoft.OpenApi;

namespace Maestro.Gateway.OpenApi;

/// <summary>
/// Merges the gateway's own OpenAPI document and each service's into the one document the gateway
/// publishes, through Microsoft.OpenApi's object model:
/// <list type="bullet">
/// <item>an operation is kept only when the gateway routes its method and path to that service
/// (paths are the same on both sides: the routes do not rewrite them);</item>
/// <item>each operation is tagged with its service and states its <c>security</c> from the gateway's
/// endpoint: <c>ApiKey</c> or <c>Bearer</c> when the endpoint needs a caller, <c>[]</c> when it is public;</item>
/// <item>schemas keep their names unless two documents use the same one; then each is prefixed
/// with its service (<c>RegistryProblemDetails</c>) and every reference follows.</item>
/// </list>
/// </summary>
internal static class OpenApiMerger
{
    public const string ApiKeyScheme = ApiKeyOptions.Scheme;
    public const string BearerScheme = "Bearer";

    public static OpenApiDocument Merge(IReadOnlyList<ServiceDocument> documents, GatewayRouteCatalog routes, OpenApiInfo info)
    {
        var merged = new OpenApiDocument
        {
            Info = info,
            // Relative: the operations are called on the same origin that serves this document.
            Servers = [new OpenApiServer { Url = "/", Description = "This gateway" }],
            Paths = [],
            Tags = new HashSet<OpenApiTag>(),
            Components = new OpenApiComponents
            {
                Schemas = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
                SecuritySchemes = SecuritySchemes(),
            },
        };
        var protectedOperation = new List<OpenApiSecurityRequirement>
        {
            new() { [new OpenApiSecuritySchemeReference(ApiKeyScheme, merged)] = [] },
            new() { [new OpenApiSecuritySchemeReference(BearerScheme, merged)] = [] },
        };
        var sharedNames = documents
            .SelectMany(d => d.Document.Components?.Schemas?.Keys ?? [])
            .GroupBy(name => name, StringComparer.Ordinal)
            .Where(group => group.Count() > 1)
            .Select(group => group.Key)
            .ToHashSet(StringComparer.Ordinal);
        var operationIds = new HashSet<string>(StringComparer.Ordinal);

        foreach (var source in documents)
        {
            var prefix = new string(source.Service.Where(char.IsLetterOrDigit).ToArray());
            var renamed = (source.Document.Components?.Schemas?.Keys ?? [])
                .ToDictionary(name => name, name => sharedNames.Contains(name) ? prefix + name : name, StringComparer.Ordinal);
            var rewriter = new SchemaReferenceRewriter(merged, renamed);
            foreach (var (name, schema) in source.Document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
            {
                merged.Components.Schemas[renamed[name]] = rewriter.Rewrite(schema);
            }

            merged.Tags.Add(new OpenApiTag { Name = source.Service, Description = $"Served by the {source.Service.ToLowerInvariant()} ({source.Document.Info?.Title})." });
            var tag = new OpenApiTagReference(source.Service, merged);
            foreach (var (path, item) in source.Document.Paths ?? [])
            {
                foreach (var (method, operation) in item.Operations ?? [])
                {
                    var endpoint = routes.Find(method, path);
                    if (endpoint is null || endpoint.ClusterId != source.ClusterId)
                    {
                        continue;
                    }

                    rewriter.Rewrite(operation);
                    operation.Tags = new HashSet<OpenApiTagReference> { tag };
                    operation.Security = endpoint.RequiresCaller ? protectedOperation : [];
                    if (operation.OperationId is { } id && !operationIds.Add(id))
                    {
                        operation.OperationId = prefix + id;
                        operationIds.Add(operation.OperationId);
                    }

                    PathItem(merged, path, item, rewriter).AddOperation(method, operation);
                }
            }
        }

        return merged;
    }

    /// <summary>The merged document's item for <paramref name="path"/>, created from the service's on first use.</summary>
    private static OpenApiPathItem PathItem(OpenApiDocument merged, string path, IOpenApiPathItem source, SchemaReferenceRewriter rewriter)
    {
        if (merged.Paths.TryGetValue(path, out var existing))
        {
            return (OpenApiPathItem)existing;
        }

        rewriter.Rewrite(source.Parameters);
        var item = new OpenApiPathItem
        {
            Summary = source.Summary,
            Description = source.Description,
            Parameters = source.Parameters,
        };
        merged.Paths[path] = item;
        return item;
    }

    private static Dictionary<string, IOpenApiSecurityScheme> SecuritySchemes() => new()
    {
        [ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            Name = ApiKeyOptions.HeaderName,
            In = ParameterLocation.Header,
            Description = "An API key (mk_…) created through /admin/api-keys, or the development key.",
        },
        [BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT from POST /auth/token or from the configured issuer, or an API key (mk_… or the development key) sent as the bearer value.",
        },
    };
}
