using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.AppHost.Seeding;

/// <summary>
/// Registers the demo model <c>fraud-detector</c> from samples/models through the public gateway and
/// promotes it to Production — once: a model that already has a version is left alone.
/// </summary>
internal sealed class DemoModelSeeder(HttpClient http, string gatewayUrl, string apiKey, string modelsDirectory)
{
    public const string ModelName = "fraud-detector";

    /// <summary>How long one call of the seeding may take (an upload on a busy machine is slow).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <returns>What was done, in a sentence for the console.</returns>
    /// <exception cref="SeedingException">The gateway refused a step; the message says which and why.</exception>
    public async Task<string> SeedAsync(CancellationToken cancellationToken)
    {
        var file = Path.Combine(modelsDirectory, ModelName + ".onnx");
        if (!File.Exists(file))
        {
            return $"Demo model not seeded: {file} is missing.";
        }

        using var existing = await SendAsync(HttpMethod.Get, $"/api/v1/models/{ModelName}", null, cancellationToken);
        if (existing.IsSuccessStatusCode)
        {
            using var model = JsonDocument.Parse(await existing.Content.ReadAsStringAsync(cancellationToken));
            if (model.RootElement.GetProperty("latest_versions").GetArrayLength() > 0)
            {
                return $"Demo model {ModelName} is already registered.";
            }
        }
        else
        {
            using var created = await SendAsync(HttpMethod.Post, "/api/v1/models",
                JsonContent.Create(new { name = ModelName, description = "Demo: logistic regression over 3 transaction features.", tags = new Dictionary<string, string> { ["demo"] = "true" } }),
                cancellationToken);
            await EnsureAsync(created, "create the demo model", HttpStatusCode.Conflict);
        }

        using var form = new MultipartFormDataContent();
        var bytes = new ByteArrayContent(await File.ReadAllBytesAsync(file, cancellationToken));
        bytes.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(bytes, "file", ModelName + ".onnx");
        using var uploaded = await SendAsync(HttpMethod.Post, $"/api/v1/models/{ModelName}/versions", form, cancellationToken);
        await EnsureAsync(uploaded, "upload the demo model");
        using var version = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync(cancellationToken));
        var number = version.RootElement.GetProperty("version").GetInt32();

        using var promoted = await SendAsync(HttpMethod.Post, $"/api/v1/models/{ModelName}/versions/{number}/stage",
            JsonContent.Create(new { stage = "Production", archive_existing_versions = true }), cancellationToken);
        await EnsureAsync(promoted, "promote the demo model");
        return $"Registered demo model {ModelName} version {number} in Production.";
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, gatewayUrl + path) { Content = content };
        request.Headers.Add("X-API-Key", apiKey);
        return http.SendAsync(request, cancellationToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, params HttpStatusCode[] alsoFine)
    {
        if (!response.IsSuccessStatusCode && !alsoFine.Contains(response.StatusCode))
        {
            throw new SeedingException($"Could not {what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
