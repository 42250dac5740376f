using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.RegistryService.Tests;

/// <summary>The calls a registry client makes, on the wire format (snake_case JSON, multipart uploads).</summary>
internal static class RegistryClient
{
    public const string FraudDetector = "fraud-detector.onnx";
    public const string IrisClassifier = "iris-classifier.onnx";

    public static byte[] SampleBytes(string fileName) => File.ReadAllBytes(TestPaths.SampleModel(fileName));

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A model name no other test in the class uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static Task<HttpResponseMessage> PostModelAsync(this HttpClient client, object body) =>
        client.PostAsJsonAsync("/api/v1/models", body);

    public static async Task<string> CreateModelAsync(this HttpClient client, string prefix)
    {
        var name = UniqueName(prefix);
        using var response = await client.PostModelAsync(new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, string model, byte[] bytes, string? description = null)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", "model.onnx");
        if (description is not null)
        {
            content.Add(new StringContent(description), "description");
        }

        return client.PostAsync($"/api/v1/models/{model}/versions", content);
    }

    /// <summary>Uploads a sample model, expects 201 and returns the new version's JSON.</summary>
    public static async Task<JsonElement> UploadSampleAsync(this HttpClient client, string model, string sample = FraudDetector)
    {
        using var response = await client.UploadAsync(model, SampleBytes(sample));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static async Task<HttpResponseMessage> TransitionAsync(this HttpClient client, string model, int version, string stage, bool archiveExistingVersions = false) =>
        await client.PostAsJsonAsync($"/api/v1/models/{model}/versions/{version}/stage",
            new Dictionary<string, object> { ["stage"] = stage, ["archive_existing_versions"] = archiveExistingVersions });

    public static async Task<string> StageOfAsync(this HttpClient client, string model, int version)
    {
        using var response = await client.GetAsync($"/api/v1/models/{model}/versions/{version}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("current_stage").GetString()!;
    }

    /// <summary>Version numbers as <c>GET …/versions</c> lists them, in its order.</summary>
    public static async Task<int[]> ListVersionNumbersAsync(this HttpClient client, string model)
    {
        using var response = await client.GetAsync($"/api/v1/models/{model}/versions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        return [.. body.GetProperty("model_versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32())];
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem document with <paramref name="status"/> and returns its <c>detail</c>.</summary>
    public static async Task<string> ReadProblemDetailAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem.GetProperty("detail").GetString()!;
    }
}
