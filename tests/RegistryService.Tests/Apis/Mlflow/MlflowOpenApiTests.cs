using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary>The MLflow routes in the registry's OpenAPI document: parameters, bodies and MLflow's error shape.</summary>
public sealed class MlflowOpenApiTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task OpenApi_EveryMlflowOperation_HasAUniqueIdASummaryItsInputsAndTheErrorShape()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.StartsWith("/api/2.0/mlflow/", StringComparison.Ordinal))
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Path: path.Name, Method: operation.Name, Operation: operation.Value)))
            .ToList();

        Assert.Equal(22, operations.Count);
        Assert.Equal(operations.Count, operations.Select(o => o.Operation.GetProperty("operationId").GetString()).Distinct().Count());
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrEmpty(o.Operation.GetProperty("summary").GetString()));
            Assert.True(o.Operation.GetProperty("responses").TryGetProperty("404", out _), $"{o.Method} {o.Path} documents no 404");
            var inputs = o.Method == "get"
                ? o.Operation.TryGetProperty("parameters", out var parameters) ? parameters.GetArrayLength() : 0
                : o.Operation.TryGetProperty("requestBody", out _) ? 1 : 0;
            Assert.True(inputs > 0, $"{o.Method} {o.Path} documents no parameters or body");
        });
    }
}
