using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary>
/// The MLflow API as MLflow's Python client calls it: GET with a query string, every other verb
/// with a JSON body, versions as strings.
/// </summary>
internal static class MlflowCalls
{
    public const string Prefix = "/api/2.0/mlflow/";

    public static Task<HttpResponseMessage> MlflowGetAsync(this HttpClient client, string endpoint, params (string Key, string Value)[] query)
    {
        var queryString = string.Join('&', query.Select(pair => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(pair.Value)}"));
        return client.GetAsync(Prefix + endpoint + (queryString.Length > 0 ? "?" + queryString : ""));
    }

    public static Task<HttpResponseMessage> MlflowPostAsync(this HttpClient client, string endpoint, object body) =>
        client.PostAsJsonAsync(Prefix + endpoint, body);

    public static Task<HttpResponseMessage> MlflowPatchAsync(this HttpClient client, string endpoint, object body) =>
        client.PatchAsJsonAsync(Prefix + endpoint, body);

    public static Task<HttpResponseMessage> MlflowDeleteAsync(this HttpClient client, string endpoint, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, Prefix + endpoint) { Content = JsonContent.Create(body) });

    /// <summary>Expects 200 and returns the JSON body.</summary>
    public static async Task<JsonElement> OkJsonAsync(this Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Expects MLflow's error body with <paramref name="errorCode"/> and <paramref name="status"/>; returns the message.</summary>
    public static async Task<string> MlflowErrorAsync(this Task<HttpResponseMessage> call, HttpStatusCode status, string errorCode)
    {
        using var response = await call;
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await response.ReadJsonAsync();
        Assert.Equal(errorCode, error.GetProperty("error_code").GetString());
        return error.GetProperty("message").GetString()!;
    }

    public static Task<string> DoesNotExistAsync(this Task<HttpResponseMessage> call) =>
        call.MlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

    public static Task<string> AlreadyExistsAsync(this Task<HttpResponseMessage> call) =>
        call.MlflowErrorAsync(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");

    public static Task<string> InvalidParameterAsync(this Task<HttpResponseMessage> call) =>
        call.MlflowErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

    /// <summary>Registers a model through MLflow's API and returns its name.</summary>
    public static async Task<string> MlflowCreateModelAsync(this HttpClient client, string prefix)
    {
        var name = RegistryClient.UniqueName(prefix);
        await client.MlflowPostAsync("registered-models/create", new { name }).OkJsonAsync();
        return name;
    }

    /// <summary>A model with <paramref name="versions"/> uploaded versions (through /api/v1: MLflow's API fetches no files).</summary>
    public static async Task<string> ModelWithVersionsAsync(this HttpClient client, string prefix, int versions)
    {
        var name = await client.CreateModelAsync(prefix);
        for (var i = 0; i < versions; i++)
        {
            await client.UploadSampleAsync(name);
        }

        return name;
    }

    public static string[] Strings(this JsonElement array, string property) =>
        [.. array.EnumerateArray().Select(item => item.GetProperty(property).GetString()!)];

    /// <summary>MLflow's <c>[{"key": …, "value": …}]</c> as a dictionary.</summary>
    public static Dictionary<string, string> TagMap(this JsonElement tags) =>
        tags.EnumerateArray().ToDictionary(tag => tag.GetProperty("key").GetString()!, tag => tag.GetProperty("value").GetString()!);
}
