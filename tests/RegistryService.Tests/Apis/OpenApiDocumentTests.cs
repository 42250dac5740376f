using System.Net;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary><c>/openapi/v1.json</c> documents every endpoint: what it does, what it takes, what it answers, how it fails.</summary>
public sealed class OpenApiDocumentTests(RegistryFactory factory) : IClassFixture<RegistryFactory>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task Document_EveryOperation_HasSummarySuccessSchemaAndAClientError()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.ReadJsonAsync();

        var problems = new List<string>();
        var operations = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                operations++;
                var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                if (!operation.Value.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
                {
                    problems.Add($"{where}: no summary");
                }

                var responses = operation.Value.GetProperty("responses").EnumerateObject().ToArray();
                if (!responses.Any(r => r.Name.StartsWith('4')))
                {
                    problems.Add($"{where}: no 4xx response");
                }

                if (!responses.Any(r => r.Name.StartsWith('2')))
                {
                    problems.Add($"{where}: no 2xx response");
                }

                foreach (var (status, content) in responses.Where(r => r.Value.TryGetProperty("content", out _)).Select(r => (r.Name, r.Value.GetProperty("content"))))
                {
                    problems.AddRange(content.EnumerateObject().Where(media => !media.Value.TryGetProperty("schema", out _))
                        .Select(media => $"{where}: response {status} {media.Name} has no schema"));
                }

                if (operation.Value.TryGetProperty("requestBody", out var body))
                {
                    problems.AddRange(body.GetProperty("content").EnumerateObject().Where(media => !media.Value.TryGetProperty("schema", out _))
                        .Select(media => $"{where}: request body {media.Name} has no schema"));
                }
            }
        }

        Assert.True(operations >= 20, $"Only {operations} operations documented.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("patch", "/api/v1/models/{name}", "412")]
    [InlineData("post", "/api/v1/models", "409")]
    [InlineData("post", "/api/v1/models/{name}/versions", "422")]
    [InlineData("post", "/api/v1/models/{name}/versions/{version}/stage", "400")]
    [InlineData("get", "/api/v1/models/{name}/events", "404")]
    [InlineData("get", "/api/v1/changes", "400")]
    public async Task Document_Operation_ListsItsSpecificError(string method, string path, string status)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        var document = await response.ReadJsonAsync();

        var responses = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");

        Assert.True(responses.TryGetProperty(status, out var error), $"{method} {path} does not document {status}.");
        Assert.True(error.GetProperty("content").TryGetProperty("application/problem+json", out _));
    }
}
