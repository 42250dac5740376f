using System.Net;
using System.Text.Json;

namespace Maestro.InferenceWorker.Tests;

/// <summary>Assertions on the two error shapes a client of the worker sees.</summary>
internal static class HttpAssert
{
    /// <summary>An RFC 9457 problem document with the status and a non-empty detail; returns the detail.</summary>
    public static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        Assert.True(document.RootElement.TryGetProperty("detail", out _), $"No detail in {body}");
        Assert.Equal((int)status, document.RootElement.GetProperty("status").GetInt32());
        var detail = document.RootElement.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }

    /// <summary>Exactly <c>{"error": "..."}</c> with the status, as V2 clients expect; returns the message.</summary>
    public static async Task<string> V2ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var property = Assert.Single(document.RootElement.EnumerateObject());
        Assert.Equal("error", property.Name);
        Assert.Equal(JsonValueKind.String, property.Value.ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(property.Value.GetString()));
        return property.Value.GetString()!;
    }

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
