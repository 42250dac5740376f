using System.Net;
using System.Text.Json;

namespace Maestro.Gateway.Tests;

/// <summary>Assertions on the two error shapes the gateway answers with.</summary>
internal static class HttpAssert
{
    /// <summary>An RFC 9457 problem document with the status and a non-empty detail; returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, params HttpStatusCode[] statuses)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(statuses.Contains(response.StatusCode), $"Expected {string.Join(" or ", statuses.Select(s => (int)s))}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), $"No detail in {body}");
        return problem;
    }

    /// <summary>Exactly <c>{"error": "..."}</c>, the V2 protocol's error body; returns the message.</summary>
    public static async Task<string> V2ErrorAsync(HttpResponseMessage response, params HttpStatusCode[] statuses)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(statuses.Contains(response.StatusCode), $"Expected {string.Join(" or ", statuses.Select(s => (int)s))}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var property = Assert.Single(document.RootElement.EnumerateObject());
        Assert.Equal("error", property.Name);
        Assert.False(string.IsNullOrWhiteSpace(property.Value.GetString()));
        return property.Value.GetString()!;
    }
}
