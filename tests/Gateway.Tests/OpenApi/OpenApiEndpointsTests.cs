using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Maestro.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Gateway.Tests.OpenApi;

/// <summary><c>/openapi/v1.json</c>, <c>/docs</c> and <c>/redoc</c> through the real gateway, services up and down.</summary>
public sealed class OpenApiEndpointsTests(OpenApiGatewayHost gateway) : IClassFixture<OpenApiGatewayHost>
{
    [Fact]
    public async Task Document_Anonymous_MergesTheGatewayRegistryAndWorkers()
    {
        var json = await DocumentAsync(gateway.Client);

        OpenApiDocumentAssert.ValidOpenApi3(json);
        OpenApiDocumentAssert.NoDanglingReferences(json);
        var document = JsonNode.Parse(json)!;
        var paths = document["paths"]!.AsObject();
        Assert.Contains("/", paths.Select(p => p.Key));
        Assert.Contains("/health", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/models/{name}/versions/{version}/stage", paths.Select(p => p.Key));
        Assert.Contains("/v2/models/{name}/infer", paths.Select(p => p.Key));
        Assert.Equal(["Gateway", "Registry", "Worker"], document["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).Order());
        Assert.Equal("X-API-Key", document["components"]!["securitySchemes"]!["ApiKey"]!["name"]!.GetValue<string>());
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
        Assert.Empty(document["paths"]!["/"]!["get"]!["security"]!.AsArray());
        Assert.Equal(2, document["paths"]!["/api/v1/models"]!["post"]!["security"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("/docs", "swagger-ui")]
    [InlineData("/redoc", "redoc-container")]
    public async Task Viewer_Anonymous_ServesItsPageAndAssetsWithNothingFromOutside(string path, string marker)
    {
        using var response = await gateway.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(marker, html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        var script = path == "/docs" ? "/docs/swagger-ui-bundle.js" : "/redoc/redoc.standalone.js";
        using var asset = await gateway.Client.GetAsync(script);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        using var config = await gateway.Client.GetAsync(path + "/index.js");
        Assert.Contains("/openapi/v1.json", await config.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Document_ServiceChangesItsApi_RefreshedWithoutARestart()
    {
        await using var host = new OpenApiGatewayHost();
        await host.InitializeAsync();
        await DocumentAsync(host.Client);

        var changed = JsonNode.Parse(CapturedDocuments.Worker)!;
        changed["paths"]!["/v2/models/{name}/explain"] = changed["paths"]!["/v2/models/{name}/infer"]!.DeepClone();
        changed["paths"]!["/v2/models/{name}/explain"]!["post"]!["operationId"] = "V2Explain";
        host.FirstWorker.Document = host.SecondWorker.Document = changed.ToJsonString();

        await PollAsync(host.Client, json => JsonNode.Parse(json)!["paths"]!.AsObject().ContainsKey("/v2/models/{name}/explain"), "the new worker operation");
    }

    [Fact]
    public async Task Document_ServiceStopsAnswering_KeepsItsLastDocumentAndSaysSo()
    {
        await using var host = new OpenApiGatewayHost();
        await host.InitializeAsync();
        await DocumentAsync(host.Client);

        await host.Registry.StopAsync();

        var json = await PollAsync(host.Client, json => Description(json).Contains("The registry did not return its document"), "the note about the registry");
        Assert.Contains("/api/v1/models", JsonNode.Parse(json)!["paths"]!.AsObject().Select(p => p.Key));
        OpenApiDocumentAssert.ValidOpenApi3(json);
    }

    [Fact]
    public async Task Document_ServiceDownFromTheStart_ServesTheRestAndSaysWhatIsMissing()
    {
        await using var host = new RegistryDownGatewayHost();
        await host.InitializeAsync();

        var json = await DocumentAsync(host.Client);

        Assert.Contains("The registry's operations are missing", Description(json));
        var paths = JsonNode.Parse(json)!["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.DoesNotContain("/api/v1/models", paths);
        Assert.Contains("/api/v1/models/{name}/predict", paths);
        Assert.Contains("/", paths);
        OpenApiDocumentAssert.ValidOpenApi3(json);
    }

    [Fact]
    public async Task Document_DiscoveryReportsANewInstance_RefreshedBeforeItsTimeIsUp()
    {
        await using var host = new OpenApiGatewayHost { RefreshInterval = TimeSpan.FromHours(1) };
        await host.InitializeAsync();
        Assert.DoesNotContain("/api/v1/models/{name}/lineage", JsonNode.Parse(await DocumentAsync(host.Client))!["paths"]!.AsObject().Select(p => p.Key));

        // A newer registry replica comes up with one more operation, and discovery learns of it.
        var newer = JsonNode.Parse(CapturedDocuments.Registry)!;
        newer["paths"]!["/api/v1/models/{name}/lineage"] = newer["paths"]!["/api/v1/models/{name}"]!.DeepClone();
        newer["paths"]!["/api/v1/models/{name}/lineage"]!["get"]!["operationId"] = "GetModelLineage";
        newer["paths"]!["/api/v1/models/{name}/lineage"]!.AsObject().Remove("delete");
        await using var replica = await DocumentBackend.StartAsync(newer.ToJsonString());
        await host.Registry.StopAsync();
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        configuration["services:registry:http:0"] = replica.Address;
        configuration.Reload();

        await PollAsync(host.Client, json => JsonNode.Parse(json)!["paths"]!.AsObject().ContainsKey("/api/v1/models/{name}/lineage"), "the new replica's operation");
    }

    private static async Task<string> DocumentAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Description(string json) => JsonNode.Parse(json)!["info"]!["description"]!.GetValue<string>();

    /// <summary>Fetches the document until <paramref name="condition"/> holds (refreshes run in the background).</summary>
    private static async Task<string> PollAsync(HttpClient client, Func<string, bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var json = await DocumentAsync(client);
            if (condition(json))
            {
                return json;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"The document never showed {what}:\n{json}");
            await Task.Delay(100);
        }
    }

    private sealed class RegistryDownGatewayHost : OpenApiGatewayHost
    {
        protected override string RegistryAddress() => EchoBackend.DownAddress();
    }
}
