using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Maestro.Testing;
using Microsoft.OpenApi;

namespace Maestro.EndToEnd.Tests.OpenApi;

/// <summary>
/// The gateway's merged OpenAPI document with the real registry and workers behind it, and the promise
/// it makes: every operation it marks protected refuses an anonymous caller, every public one does not.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OpenApiTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    /// <summary>What the gateway may leave open (issue 5): everything else requires a caller.</summary>
    // /auth/refresh: the refresh token in the body is the credential, as in OAuth.
    private static readonly string[] PublicPrefixes = ["/health", "/alive", "/v2/health/", "/openapi/", "/docs", "/redoc", "/auth/refresh"];

    private AppHostProcess Platform => fixture.Platform;

    [Fact]
    public async Task Document_RealServices_MergedAsTheGatewayExposesThem()
    {
        var json = await CompleteDocumentAsync();

        var document = OpenApiDocumentAssert.ValidOpenApi3(json);
        OpenApiDocumentAssert.NoDanglingReferences(json);
        Assert.Contains("/api/v1/models/{name}/versions/{version}/stage", document.Paths.Keys);
        Assert.Contains("/api/v1/model-cards/{name}/versions/{version}", document.Paths.Keys);
        Assert.Contains("/api/v1/models/{name}/predict", document.Paths.Keys);
        Assert.Contains("/v2/models/{name}/infer", document.Paths.Keys);
        Assert.Contains("/health", document.Paths.Keys);
        Assert.Equal(["Gateway", "Registry", "Worker"], document.Tags!.Select(t => t.Name).Order());
        Assert.Equal(["ApiKey", "Bearer"], document.Components!.SecuritySchemes!.Keys.Order());
        Assert.All(Operations(document), operation => Assert.Single(operation.Operation.Tags!));
        Assert.Contains("RegisteredModel", document.Components.Schemas!.Keys);
        Assert.Contains("PredictRequest", document.Components.Schemas.Keys);
    }

    [Fact]
    public async Task WalkDocument_EveryOperation_ProtectedRefuseAnonymousWith401AndPublicDoNot()
    {
        var document = OpenApiDocumentAssert.ValidOpenApi3(await CompleteDocumentAsync());
        var operations = Operations(document).ToList();
        var mismatches = new List<string>();

        foreach (var (path, method, operation) in operations)
        {
            var isProtected = operation.Security is { Count: > 0 };
            using var response = await Platform.Anonymous.SendAsync(AnonymousRequest(method, path, operation));
            var status = (int)response.StatusCode;
            if (isProtected ? status != 401 : status is 401 or 403 or >= 500)
            {
                mismatches.Add($"{method} {path} is {(isProtected ? "protected" : "public")} in the document but answered {status}");
            }

            if (!isProtected && !PublicPrefixes.Any(prefix => path == "/" || path.StartsWith(prefix, StringComparison.Ordinal)))
            {
                mismatches.Add($"{method} {path} is public in the document but is not one of the paths allowed to be public");
            }
        }

        Assert.Empty(mismatches);
        Assert.True(operations.Count(o => o.Operation.Security is { Count: > 0 }) >= 25, "The walk found too few protected operations: " + operations.Count);
        Assert.Contains(operations, o => o.Path == "/v2/health/live" && o.Operation.Security is { Count: 0 });
    }

    [Theory]
    [InlineData("/docs")]
    [InlineData("/redoc")]
    public async Task Viewer_WithoutKey_ReturnsHtml(string path)
    {
        using var response = await Platform.Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The merged document once every service's part is in it (no note about a missing service).</summary>
    private async Task<string> CompleteDocumentAsync()
    {
        var json = "";
        await Platform.WaitUntilAsync(async () =>
        {
            using var response = await Platform.Anonymous.GetAsync("/openapi/v1.json");
            json = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && !json.Contains("did not return its document", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), "a merged document with every service");
        return json;
    }

    private static IEnumerable<(string Path, HttpMethod Method, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        document.Paths.SelectMany(path => path.Value.Operations!.Select(operation => (path.Key, operation.Key, operation.Value)));

    /// <summary>The operation called without credentials: path parameters filled with a sample value, a minimal body.</summary>
    private static HttpRequestMessage AnonymousRequest(HttpMethod method, string path, OpenApiOperation operation)
    {
        var request = new HttpRequestMessage(method, Regex.Replace(path, @"\{[^}]+\}", "1"));
        if (operation.RequestBody?.Content?.Keys.FirstOrDefault() is { } mediaType)
        {
            request.Content = mediaType switch
            {
                "application/json" => new StringContent("{}", Encoding.UTF8, mediaType),
                "multipart/form-data" => new MultipartFormDataContent(),
                _ => new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } },
            };
        }

        return request;
    }
}
