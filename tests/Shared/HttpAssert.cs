using System.Net;
using System.Text.Json;

namespace Maestro.Testing;

/// <summary>Assertions on the answers a client of the services and the gateway sees: problem documents, V2 errors, JSON.</summary>
internal static class HttpAssert
{
    /// <summary>An RFC 9457 problem document with one of <paramref name="statuses"/> and a non-empty detail; returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, params HttpStatusCode[] statuses)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(statuses.Contains(response.StatusCode), $"Expected {string.Join(" or ", statuses.Select(s => (int)s))}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("detail", out var detail), $"No detail in {body}");
        Assert.False(string.IsNullOrWhiteSpace(detail.GetString()), $"An empty detail in {body}");
        return problem;
    }

    /// <summary>As <see cref="ProblemAsync"/>; returns the problem's detail.</summary>
    public static async Task<string> ProblemDetailAsync(HttpResponseMessage response, params HttpStatusCode[] statuses) =>
        (await ProblemAsync(response, statuses)).GetProperty("detail").GetString()!;

    /// <summary>Exactly <c>{"error": "..."}</c> with one of <paramref name="statuses"/>, as V2 clients expect; returns the message.</summary>
    public static async Task<string> V2ErrorAsync(HttpResponseMessage response, params HttpStatusCode[] statuses)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(statuses.Contains(response.StatusCode), $"Expected {string.Join(" or ", statuses.Select(s => (int)s))}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var property = Assert.Single(document.RootElement.EnumerateObject());
        Assert.Equal("error", property.Name);
        Assert.Equal(JsonValueKind.String, property.Value.ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(property.Value.GetString()));
        return property.Value.GetString()!;
    }

    /// <summary>A 200 with a JSON body; returns the body.</summary>
    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    public static void HasExactlyProperties(JsonElement element, params string[] names) =>
        Assert.Equal(names.Order(), element.EnumerateObject().Select(p => p.Name).Order());
}
