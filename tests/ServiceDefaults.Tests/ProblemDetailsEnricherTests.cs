using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.ServiceDefaults.Tests;

/// <summary>Problem documents carry the identifiers a person needs to find the request in logs and traces.</summary>
public sealed class ProblemDetailsEnricherTests : IAsyncLifetime
{
    private const string ServerIdHeader = "X-Test-Trace-Identifier";
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        // A snake_case service, like the registry: the identifiers must keep one spelling anyway.
        _app = await TestApp.StartAsync(
            builder => builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower),
            app =>
            {
                app.MapGet("/conflict", (HttpContext context) =>
                {
                    context.Response.Headers[ServerIdHeader] = context.TraceIdentifier;
                    return TypedResults.Problem(detail: "already there", statusCode: StatusCodes.Status409Conflict);
                });
                app.MapGet("/boom", string () => throw new InvalidOperationException("bug"));
            });
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Enrich_ProblemResult_AddsTraceIdAndServerRequestId()
    {
        using var response = await _client.GetAsync("/conflict");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
        Assert.NotEqual(new string('0', 32), problem.GetProperty("traceId").GetString());
        Assert.Equal(response.Headers.GetValues(ServerIdHeader).Single(), problem.GetProperty("requestId").GetString());
        Assert.Equal("/conflict", problem.GetProperty("instance").GetString());
        Assert.Equal("already there", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Enrich_RequestWithXRequestId_EchoesItAsRequestId()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/conflict");
        request.Headers.Add("X-Request-Id", "gw-7f3a9c");

        using var response = await _client.SendAsync(request);

        var problem = await ReadJsonAsync(response);
        Assert.Equal("gw-7f3a9c", problem.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Enrich_SnakeCaseService_HasNoTraceIdUnderscoreKey()
    {
        using var response = await _client.GetAsync("/conflict");

        var problem = await ReadJsonAsync(response);
        Assert.True(problem.TryGetProperty("traceId", out _));
        Assert.False(problem.TryGetProperty("trace_id", out _));
        Assert.False(problem.TryGetProperty("request_id", out _));
    }

    [Fact]
    public async Task Enrich_UnhandledException_500ProblemCarriesTheIds()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/boom");
        request.Headers.Add("X-Request-Id", "gw-boom");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
        Assert.Equal("gw-boom", problem.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Enrich_UnknownRoute_StatusCodePageCarriesTheIds()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/nowhere");
        request.Headers.Add("X-Request-Id", "gw-404");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await ReadJsonAsync(response);
        Assert.Equal("gw-404", problem.GetProperty("requestId").GetString());
        Assert.Equal("/nowhere", problem.GetProperty("instance").GetString());
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
