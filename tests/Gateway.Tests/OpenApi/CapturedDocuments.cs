using Maestro.Testing;
using Microsoft.OpenApi;

namespace Maestro.Gateway.Tests.OpenApi;

/// <summary>The registry's and a worker's real OpenAPI documents, captured under <c>samples/openapi</c>.</summary>
internal static class CapturedDocuments
{
    public static string Registry { get; } = Read("registry");

    public static string Worker { get; } = Read("worker");

    public static OpenApiDocument Parse(string json)
    {
        var (document, diagnostic) = OpenApiDocument.Parse(json, OpenApiConstants.Json);
        Assert.Empty(diagnostic!.Errors);
        return document!;
    }

    private static string Read(string service) =>
        File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "samples", "openapi", service + ".json"));
}
