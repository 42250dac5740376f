using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.EndToEnd.Tests;

/// <summary>
/// The registry behind the gateway: its audit trail names the caller the gateway authenticated, and
/// the AppHost's Redis carries its change feed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RegistryChangesTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Channel = "maestro:registry:changes";

    private AppHostProcess Platform => fixture.Platform;

    [Fact]
    public async Task PromoteThroughGateway_AuditedAsTheDevKeyAndPublishedOnTheAppHostsRedis()
    {
        const string name = "audited-e2e";
        using var subscription = new TcpClient();
        await subscription.ConnectAsync("127.0.0.1", Platform.RedisPort());
        var stream = subscription.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"SUBSCRIBE {Channel}\r\n"));
        var received = new StringBuilder();
        var reading = ReadAllAsync(stream, received);

        using (var created = await Platform.Http.PostAsJsonAsync("/api/v1/models", new { name }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.SampleModel("fraud-detector.onnx")));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "fraud-detector.onnx");
        using (var uploaded = await Platform.Http.PostAsync($"/api/v1/models/{name}/versions", form))
        {
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        }

        // The registry connects to Redis in the background: move the stage until a change is published.
        var watch = Stopwatch.StartNew();
        var published = false;
        for (var round = 0; !published && watch.Elapsed < TimeSpan.FromSeconds(60); round++)
        {
            using (var promoted = await Platform.Http.PostAsJsonAsync($"/api/v1/models/{name}/versions/1/stage",
                       new { stage = round % 2 == 0 ? "Production" : "Staging" }))
            {
                Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
            }

            var wait = Stopwatch.StartNew();
            while (!published && wait.Elapsed < TimeSpan.FromSeconds(3))
            {
                lock (received)
                {
                    published = received.ToString().Contains($"\"model\":\"{name}\",\"kind\":\"stage_changed\",\"version\":\"1\"", StringComparison.Ordinal);
                }

                await Task.Delay(50);
            }
        }

        subscription.Close();
        await reading;
        Assert.True(published, $"No stage change of {name} was published on {Channel} within 60 s. Received: {received}");
        using var events = await Platform.Http.GetAsync($"/api/v1/models/{name}/events");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        var trail = (await events.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(["model_created", "version_created", "stage_changed"], trail.Reverse().Take(3).Select(e => e.GetProperty("action").GetString()));
        Assert.All(trail, e => Assert.Equal("dev-admin", e.GetProperty("actor").GetString()));
    }

    private static async Task ReadAllAsync(NetworkStream stream, StringBuilder received)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                lock (received)
                {
                    received.Append(Encoding.UTF8.GetString(buffer, 0, read));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }
}
