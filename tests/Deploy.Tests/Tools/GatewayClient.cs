using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Maestro.Testing;

namespace Maestro.Deploy.Tests.Tools;

/// <summary>A client of a Maestro gateway on a loopback port, with an admin API key, doing what a user does.</summary>
internal sealed class GatewayClient(int port, string apiKey) : IDisposable
{
    private readonly HttpClient _http = Create(port, apiKey);

    public HttpClient Http => _http;

    /// <summary>Waits until the gateway's /health sees the registry and a worker (and Redis) healthy.</summary>
    public static async Task WaitUntilReadyAsync(int port, TimeSpan timeout, Func<Task<string>> describeFailure)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await anonymous.GetAsync("/health");
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                var health = JsonNode.Parse(last[4..]);
                var checks = health?["checks"]?.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["status"]!.GetValue<string>());
                if (response.StatusCode == HttpStatusCode.OK && checks is not null
                    && new[] { "registry", "worker", "redis" }.All(name => checks.GetValueOrDefault(name) == "Healthy"))
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                last = exception.Message;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"The gateway on port {port} did not see its services healthy within {timeout}; last /health: {last}\n{await describeFailure()}");
    }

    /// <summary>Creates the model, uploads the ONNX file as version 1 and promotes it to Production, through the gateway.</summary>
    public async Task RegisterAsync(string name, string sampleModel)
    {
        using var created = await _http.PostAsJsonAsync("/api/v1/models", new { name, description = "deploy test" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"create model: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.SampleModel(sampleModel)));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", sampleModel);
        using var uploaded = await _http.PostAsync($"/api/v1/models/{name}/versions", form);
        Assert.True(uploaded.StatusCode == HttpStatusCode.Created, $"upload: {(int)uploaded.StatusCode} {await uploaded.Content.ReadAsStringAsync()}");

        using var promoted = await _http.PostAsJsonAsync($"/api/v1/models/{name}/versions/1/stage",
            new { stage = "Production", archive_existing_versions = true });
        Assert.True(promoted.IsSuccessStatusCode, $"promote: {(int)promoted.StatusCode} {await promoted.Content.ReadAsStringAsync()}");
    }

    /// <summary>The seed predict API's answer for one row, from <paramref name="client"/> (the gateway, or a worker directly).</summary>
    public static async Task<JsonObject> PredictAsync(HttpClient client, string name, params float[] features)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/models/{name}/predict", new { features });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"predict {name}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient Create(int port, string apiKey)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        return http;
    }
}
