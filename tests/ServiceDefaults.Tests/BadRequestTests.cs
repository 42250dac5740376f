using System.Net;
using System.Net.Http.Json;
using System.Text;
using Maestro.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.ServiceDefaults.Tests;

/// <summary>A body the framework cannot bind is the client's mistake in every environment.</summary>
public sealed class BadRequestTests
{
    public sealed record Order(string Name, int Quantity);

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task MalformedJsonBody_AnyEnvironment_Returns400Problem(string environment)
    {
        await using var app = await TestApp.StartAsync(
            map: app => app.MapPost("/orders", (Order order) => TypedResults.Ok(order)),
            environment: environment);
        using var client = app.GetTestClient();

        using var malformed = await client.PostAsync("/orders", new StringContent("{\"name\": \"x\", \"quantity\": ", Encoding.UTF8, "application/json"));
        using var wrongType = await client.PostAsync("/orders", new StringContent("{\"name\": \"x\", \"quantity\": \"many\"}", Encoding.UTF8, "application/json"));
        using var valid = await client.PostAsJsonAsync("/orders", new Order("x", 2));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Fact]
    public async Task ClientFaultThrownWhileReading_Returns4xxWithoutAnErrorLog_AServerFaultIsStillLogged()
    {
        var logs = new CapturedLogs();
        await using var app = await TestApp.StartAsync(
            configure: builder => builder.Logging.AddProvider(logs),
            map: app =>
            {
                // What Kestrel throws when a client sends less body than it declared and goes away.
                app.MapPost("/cut-short", () => { throw new BadHttpRequestException("Unexpected end of request content.", StatusCodes.Status400BadRequest); });
                app.MapPost("/fault", () => { throw new InvalidOperationException("a fault of the service"); });
            });
        using var client = app.GetTestClient();

        using var cutShort = await client.PostAsync("/cut-short", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, cutShort.StatusCode);
        Assert.Equal("application/problem+json", cutShort.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(logs.AtLeast(LogLevel.Error), entry => entry.Contains("Unexpected end of request content", StringComparison.Ordinal));

        using var fault = await client.PostAsync("/fault", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.InternalServerError, fault.StatusCode);
        Assert.Contains(logs.AtLeast(LogLevel.Error), entry => entry.Contains("a fault of the service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownCharset_BoundOrReadBody_Returns415ProblemSayingSendUtf8()
    {
        await using var app = await TestApp.StartAsync(map: app =>
        {
            app.MapPost("/orders", (Order order) => TypedResults.Ok(order));
            app.MapPost("/read", async (HttpRequest request) => TypedResults.Ok(await request.ReadFromJsonAsync<Order>()));
        });
        using var client = app.GetTestClient();

        foreach (var path in new[] { "/orders", "/read" })
        {
            using var content = new StringContent("{\"name\": \"x\", \"quantity\": 1}");
            content.Headers.Remove("Content-Type");
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-99");
            using var response = await client.PostAsync(path, content);

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            Assert.Contains("charset 'utf-99'", problem.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", null)]
    [InlineData("application/json; charset=\"UTF-8\"", null)]
    [InlineData("application/json", null)]
    [InlineData("application/json; charset=latin1", null)]
    [InlineData("application/json; charset=utf-99", "utf-99")]
    [InlineData("application/json; charset=\"no such\"", "no such")]
    public void UnknownCharset_ContentType_NamesOnlyCharsetsDotNetCannotRead(string contentType, string? expected)
    {
        var request = new DefaultHttpContext().Request;
        request.ContentType = contentType;

        Assert.Equal(expected, UnreadableCharsetHandler.UnknownCharset(request));
    }
}

/// <summary>Errors raised by routing, before any handler runs, still say what to do.</summary>
public sealed class FrameworkErrorDetailTests
{
    [Fact]
    public async Task UnsupportedContentType_Returns415ProblemNamingTheContentType()
    {
        await using var app = await TestApp.StartAsync(map: app =>
            app.MapPost("/upload", () => TypedResults.Ok()).Accepts<string>("multipart/form-data"));
        using var client = app.GetTestClient();

        using var response = await client.PostAsync("/upload", new StringContent("x", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Contains("text/plain", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WrongMethod_Returns405ProblemNamingTheMethod()
    {
        await using var app = await TestApp.StartAsync(map: app => app.MapGet("/things", () => TypedResults.Ok()));
        using var client = app.GetTestClient();

        using var response = await client.DeleteAsync("/things");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("DELETE is not allowed on /things.", problem.GetProperty("detail").GetString());
    }
}
