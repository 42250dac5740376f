using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Testing;

namespace Maestro.EndToEnd.Tests;

/// <summary>What the platform keeps across a stop and a start on the same data directory.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RestartTests
{
    [Fact]
    public async Task RestartAppHost_SameDataDirectory_ApiKeysAndModelsStillThere()
    {
        var dataDirectory = TestPaths.NewTempDirectory("restart");
        try
        {
            string key;
            await using (var first = await AppHostProcess.StartAsync(workers: 1, seed: true, dataDirectory: dataDirectory))
            {
                using var created = await first.Http.PostAsJsonAsync("/admin/api-keys", new { name = "kept", scopes = new[] { "predict" } });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
                Assert.True(await first.TerminateAsync(TimeSpan.FromSeconds(30)), "The first AppHost did not stop.");
            }

            await using var second = await AppHostProcess.StartAsync(workers: 1, seed: true, dataDirectory: dataDirectory);
            Assert.Contains("Demo model fraud-detector is already registered.", second.Output);

            // The key lives in the AppHost's Redis, which appends every write under the data directory.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/models/fraud-detector/predict")
            {
                Content = JsonContent.Create(new { features = new[] { 1.0, 0.0, 1.0 } }),
            };
            request.Headers.Add("X-API-Key", key);
            using var predicted = await second.Anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
