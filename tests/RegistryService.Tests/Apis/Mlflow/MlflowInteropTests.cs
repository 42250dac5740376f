using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary>One store behind both APIs: what one writes, the other reads.</summary>
public abstract class MlflowInteropTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task MlflowWrites_AreSeenThroughApiV1()
    {
        var name = RegistryClient.UniqueName("ml-to-v1");
        await _client.MlflowPostAsync("registered-models/create",
            new { name, description = "made by mlflow", tags = new[] { new { key = "team", value = "risk" } } }).OkJsonAsync();
        await _client.UploadSampleAsync(name);
        await _client.MlflowPostAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging", archive_existing_versions = false }).OkJsonAsync();
        await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "candidate", version = "1" }).OkJsonAsync();
        await _client.MlflowPostAsync("model-versions/set-tag", new { name, version = "1", key = "validated", value = "yes" }).OkJsonAsync();

        var model = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}");
        var version = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}/versions/1");

        Assert.Equal("made by mlflow", model.GetProperty("description").GetString());
        Assert.Equal("risk", model.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal(1, model.GetProperty("aliases").GetProperty("candidate").GetInt32());
        Assert.Equal("Staging", version.GetProperty("current_stage").GetString());
        Assert.Equal("yes", version.GetProperty("tags").GetProperty("validated").GetString());
    }

    [Fact]
    public async Task ApiV1Writes_AreSeenThroughMlflow()
    {
        var name = RegistryClient.UniqueName("v1-to-ml");
        using (var created = await _client.PostAsJsonAsync("/api/v1/models", new { name, description = "made by v1", tags = new Dictionary<string, string> { ["team"] = "growth" } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await _client.UploadSampleAsync(name);
        await _client.UploadSampleAsync(name);
        (await _client.TransitionAsync(name, 2, "Production")).Dispose();
        (await _client.PutAsJsonAsync($"/api/v1/models/{name}/aliases/production", new { version = 2 })).Dispose();
        (await _client.PostAsJsonAsync($"/api/v1/models/{name}/versions/1/tags", new { key = "retired", value = "soon" })).Dispose();

        var model = (await _client.MlflowGetAsync("registered-models/get", ("name", name)).OkJsonAsync()).GetProperty("registered_model");
        var first = (await _client.MlflowGetAsync("model-versions/get", ("name", name), ("version", "1")).OkJsonAsync()).GetProperty("model_version");

        Assert.Equal("made by v1", model.GetProperty("description").GetString());
        Assert.Equal("growth", model.GetProperty("tags").TagMap()["team"]);
        Assert.Equal(["2", "1"], model.GetProperty("latest_versions").Strings("version"));
        Assert.Equal(["Production", "None"], model.GetProperty("latest_versions").Strings("current_stage"));
        Assert.Equal(["production"], model.GetProperty("aliases").Strings("alias"));
        Assert.Equal("soon", first.GetProperty("tags").TagMap()["retired"]);
    }

    public sealed class OnSqlite(RegistryFactory factory) : MlflowInteropTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : MlflowInteropTests(factory), IClassFixture<PostgresRegistryFactory>;
}
