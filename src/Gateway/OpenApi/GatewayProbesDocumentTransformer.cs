using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Maestro.Gateway.OpenApi;

/// <summary>
/// Describes the gateway's probes in its own OpenAPI document: health checks are not minimal-API
/// handlers, so the framework does not list them by itself.
/// </summary>
internal sealed class GatewayProbesDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= [];
        Add(document, Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath, "GatewayHealth",
            "The gateway's status and each dependency's (registry, available workers, Redis)");
        Add(document, Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath, "GatewayAlive",
            "Whether the gateway process is alive (liveness probe)");
        return Task.CompletedTask;
    }

    private static void Add(OpenApiDocument document, string path, string operationId, string summary)
    {
        var report = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } };
        var item = new OpenApiPathItem();
        item.AddOperation(HttpMethod.Get, new OpenApiOperation
        {
            OperationId = operationId,
            Summary = summary,
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse { Description = "Healthy or degraded", Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = report } },
                ["503"] = new OpenApiResponse { Description = "Unhealthy", Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = report } },
            },
        });
        document.Paths[path] = item;
    }
}
