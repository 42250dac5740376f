using BenchmarkDotNet.Attributes;
using Maestro.Gateway.Apis;
using Maestro.Gateway.Extensions;
using Maestro.Gateway.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;

namespace Maestro.Benchmarks;

/// <summary>
/// The gateway's OpenAPI merge (<see cref="OpenApiMerger"/>) on the three real documents: the
/// gateway's own (generated in-process) and the registry's and a worker's (captured under
/// <c>samples/openapi</c>), against the gateway's real route table. <c>Parse</c> reads the three
/// documents only; <c>ParseMergeSerialize</c> is what one refresh of <c>/openapi/v1.json</c> costs
/// once the documents are fetched.
/// </summary>
[MemoryDiagnoser]
public class OpenApiMergeBenchmarks
{
    private static readonly OpenApiInfo Info = new() { Title = "Maestro", Version = "1.0.0" };

    private WebApplication _gateway = null!;
    private GatewayRouteCatalog _routes = null!;
    private string _gatewayJson = "";
    private string _registryJson = "";
    private string _workerJson = "";

    [GlobalSetup]
    public void Setup()
    {
        // The gateway as Program.cs builds it, started on a loopback port (YARP loads its routes on start):
        // its endpoints and its own document. Nothing calls it; the services behind it are never reached.
        // Development: the gateway makes itself a token signing key instead of refusing to start.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Logging.ClearProviders();
        builder.Configuration["services:registry:http:0"] = "http://127.0.0.1:9";
        builder.Configuration["services:worker:http:0"] = "http://127.0.0.1:9";
        builder.Configuration["Gateway:Routing:ActiveHealthChecks"] = "false";
        builder.AddServiceDefaults();
        builder.AddGateway();
        _gateway = builder.Build();
        _gateway.MapDefaultEndpoints();
        _gateway.MapGatewayApi();
        _gateway.MapGatewayProxy();
        _gateway.Urls.Add("http://127.0.0.1:0");
        _gateway.StartAsync().GetAwaiter().GetResult();

        var services = _gateway.Services;
        _routes = GatewayRouteCatalog.CreateAsync(
            services.GetRequiredService<EndpointDataSource>(),
            services.GetRequiredService<ParameterPolicyFactory>(),
            services.GetRequiredService<IAuthorizationPolicyProvider>()).GetAwaiter().GetResult();
        var own = services.GetRequiredKeyedService<IOpenApiDocumentProvider>(MergedOpenApiDocument.DocumentName)
            .GetOpenApiDocumentAsync().GetAwaiter().GetResult();
        _gatewayJson = own.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).GetAwaiter().GetResult();
        _registryJson = File.ReadAllText(CapturedDocument("registry"));
        _workerJson = File.ReadAllText(CapturedDocument("worker"));

        var merged = Merge();
        if (!merged.Paths.ContainsKey("/api/v1/models") || !merged.Paths.ContainsKey("/v2/models/{name}/infer") || !merged.Paths.ContainsKey("/"))
        {
            throw new InvalidOperationException("The merge lost a service's operations; the benchmark would measure the wrong thing.");
        }
    }

    [Benchmark(Baseline = true)]
    public int Parse() =>
        Read(_gatewayJson).Paths.Count + Read(_registryJson).Paths.Count + Read(_workerJson).Paths.Count;

    [Benchmark]
    public int ParseMergeSerialize() =>
        Merge().SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).GetAwaiter().GetResult().Length;

    [GlobalCleanup]
    public void Cleanup() => _gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private OpenApiDocument Merge() => OpenApiMerger.Merge(
        [new("Gateway", null, Read(_gatewayJson)), new("Registry", "registry", Read(_registryJson)), new("Worker", "worker", Read(_workerJson))],
        _routes,
        Info);

    private static OpenApiDocument Read(string json) => OpenApiDocument.Parse(json, OpenApiConstants.Json).Document!;

    private static string CapturedDocument(string service)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "openapi", service + ".json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("samples/openapi not found above " + AppContext.BaseDirectory);
    }
}
