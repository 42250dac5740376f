using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Gateway.Apis;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>What an administrator and a key holder do through the gateway's HTTP API.</summary>
internal static class ApiKeyAdmin
{
    /// <summary>Creates a key with the development admin key; asserts the 201.</summary>
    public static async Task<CreatedApiKey> CreateAsync(HttpClient client, string name, string[] scopes, string? plan = null, object? rateLimit = null)
    {
        using var request = GatewayHost.Authenticated(HttpMethod.Post, "/admin/api-keys");
        request.Content = JsonContent.Create(new { name, scopes, plan, rate_limit = rateLimit });
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<CreatedApiKey>(body)!;
    }

    public static async Task<HttpResponseMessage> RevokeAsync(HttpClient client, string id)
    {
        using var request = GatewayHost.Authenticated(HttpMethod.Delete, $"/admin/api-keys/{id}");
        return await client.SendAsync(request);
    }

    /// <summary>The listing as sent (to check what it leaves out) and parsed.</summary>
    public static async Task<(string Body, ApiKeyList List)> ListAsync(HttpClient client)
    {
        using var request = GatewayHost.Authenticated(HttpMethod.Get, "/admin/api-keys");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return (body, JsonSerializer.Deserialize<ApiKeyList>(body)!);
    }

    public static HttpRequestMessage WithKey(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-API-Key", key);
        return request;
    }

    public static HttpRequestMessage WithToken(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return request;
    }

    /// <summary>Exchanges an API key for a bearer token; asserts the 200.</summary>
    public static async Task<TokenResponse> TokenAsync(HttpClient client, string key)
    {
        using var request = WithKey(HttpMethod.Post, "/auth/token", key);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<TokenResponse>(body)!;
    }

    public static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        using (var response = await client.SendAsync(request))
        {
            return response.StatusCode;
        }
    }
}
