using System.Text.Json.Nodes;
using Maestro.Gateway.OpenApi;
using Maestro.Testing;
using Microsoft.OpenApi;

namespace Maestro.Gateway.Tests.OpenApi;

/// <summary>The merge itself, on the services' real (captured) documents and the gateway's real routes.</summary>
public sealed class OpenApiMergerTests(GatewayHost gateway) : IClassFixture<GatewayHost>
{
    private static readonly OpenApiInfo Info = new() { Title = "Maestro", Version = "1.0.0" };

    [Fact]
    public async Task Merge_CapturedDocuments_KeepsWhatTheGatewayRoutesWithTheTruthAboutSecurity()
    {
        var registry = CapturedDocuments.Parse(CapturedDocuments.Registry);
        registry.Paths.Add("/api/v1/changes", PathWith(HttpMethod.Get, "ListChanges", new OpenApiSchema { Type = JsonSchemaType.Object }));

        var merged = OpenApiMerger.Merge(
            [new("Registry", "registry", registry), new("Worker", "worker", CapturedDocuments.Parse(CapturedDocuments.Worker))],
            await GatewayRouteCatalogTests.CatalogAsync(gateway.Services),
            Info);

        Assert.DoesNotContain("/api/v1/changes", merged.Paths.Keys);
        Assert.Equal(CapturedDocuments.Parse(CapturedDocuments.Registry).Paths.Count + CapturedDocuments.Parse(CapturedDocuments.Worker).Paths.Count, merged.Paths.Count);
        var predict = merged.Paths["/api/v1/models/{name}/predict"].Operations![HttpMethod.Post];
        Assert.Equal(["Worker"], predict.Tags!.Select(t => t.Name));
        Assert.Equal(["ApiKey", "Bearer"], predict.Security!.SelectMany(r => r.Keys).Select(s => s.Reference.Id));
        var live = merged.Paths["/v2/health/live"].Operations![HttpMethod.Get];
        Assert.NotNull(live.Security);
        Assert.Empty(live.Security);
        Assert.Equal(["Registry"], merged.Paths["/api/v1/models"].Operations![HttpMethod.Get].Tags!.Select(t => t.Name));
        Assert.Equal(["Registry", "Worker"], merged.Tags!.Select(t => t.Name).Order());
        Assert.Equal(["ApiKey", "Bearer"], merged.Components!.SecuritySchemes!.Keys.Order());
    }

    [Fact]
    public async Task Merge_TwoServicesNameASchemaAlike_KeepsThemApartAndEveryReferenceFollows()
    {
        // The worker gains its own "ModelVersion" (the registry has one too, of another shape) and uses it.
        var worker = CapturedDocuments.Parse(CapturedDocuments.Worker);
        worker.Components!.Schemas!["ModelVersion"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema> { ["loaded_at"] = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        var health = worker.Paths["/api/v1/models/{name}/health"].Operations![HttpMethod.Get];
        health.Responses!["200"].Content!["application/json"].Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Items = new OpenApiSchemaReference("ModelVersion", worker),
        };

        var merged = OpenApiMerger.Merge(
            [new("Registry", "registry", CapturedDocuments.Parse(CapturedDocuments.Registry)), new("Worker", "worker", worker)],
            await GatewayRouteCatalogTests.CatalogAsync(gateway.Services),
            Info);
        var json = await merged.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);

        var schemas = JsonNode.Parse(json)!["components"]!["schemas"]!.AsObject();
        Assert.False(schemas.ContainsKey("ModelVersion"));
        Assert.NotNull(schemas["RegistryModelVersion"]!["properties"]!["current_stage"]);
        Assert.NotNull(schemas["WorkerModelVersion"]!["properties"]!["loaded_at"]);
        // Nested in another schema, in a response of the registry, in a response of the worker.
        Assert.Equal("#/components/schemas/RegistryModelVersion", schemas["ModelVersionList"]!["properties"]!["model_versions"]!["items"]!["$ref"]!.GetValue<string>());
        var paths = JsonNode.Parse(json)!["paths"]!;
        Assert.Equal("#/components/schemas/RegistryModelVersion",
            paths["/api/v1/models/{name}/versions/{version}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/WorkerModelVersion",
            paths["/api/v1/models/{name}/health"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["items"]!["$ref"]!.GetValue<string>());
        // Schemas only one service has keep their names.
        Assert.True(schemas.ContainsKey("PredictRequest"));
        Assert.True(schemas.ContainsKey("RegisteredModel"));
        OpenApiDocumentAssert.NoDanglingReferences(json);
        OpenApiDocumentAssert.ValidOpenApi3(json);
    }

    [Fact]
    public async Task Merge_TwoServicesUseOneOperationId_PrefixesTheSecond()
    {
        var worker = CapturedDocuments.Parse(CapturedDocuments.Worker);
        worker.Paths["/api/v1/models/{name}/predict"].Operations![HttpMethod.Post].OperationId = "GetModel";

        var merged = OpenApiMerger.Merge(
            [new("Registry", "registry", CapturedDocuments.Parse(CapturedDocuments.Registry)), new("Worker", "worker", worker)],
            await GatewayRouteCatalogTests.CatalogAsync(gateway.Services),
            Info);

        Assert.Equal("GetModel", merged.Paths["/api/v1/models/{name}"].Operations![HttpMethod.Get].OperationId);
        Assert.Equal("WorkerGetModel", merged.Paths["/api/v1/models/{name}/predict"].Operations![HttpMethod.Post].OperationId);
        OpenApiDocumentAssert.ValidOpenApi3(await merged.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1));
    }

    [Fact]
    public async Task Merge_OperationRoutedToAnotherService_LeftOut()
    {
        // A registry document that (wrongly) claims predict: the gateway sends predict to the workers.
        var registry = CapturedDocuments.Parse(CapturedDocuments.Registry);
        registry.Paths.Add("/api/v1/models/{name}/predict", PathWith(HttpMethod.Post, "RegistryPredict", new OpenApiSchema { Type = JsonSchemaType.Object }));

        var merged = OpenApiMerger.Merge(
            [new("Registry", "registry", registry), new("Worker", "worker", CapturedDocuments.Parse(CapturedDocuments.Worker))],
            await GatewayRouteCatalogTests.CatalogAsync(gateway.Services),
            Info);

        Assert.Equal("Predict", merged.Paths["/api/v1/models/{name}/predict"].Operations![HttpMethod.Post].OperationId);
    }

    private static OpenApiPathItem PathWith(HttpMethod method, string operationId, IOpenApiSchema schema)
    {
        var item = new OpenApiPathItem();
        item.AddOperation(method, new OpenApiOperation
        {
            OperationId = operationId,
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse { Description = "OK", Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } } },
            },
        });
        return item;
    }
}
