using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary>Changes made through the MLflow API land in the audit trail and the change feed like any other.</summary>
public abstract class MlflowAuditTests(StoreBackend backend) : IAsyncLifetime
{
    private readonly RegistryFactory _factory = new(backend);
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Add("X-Maestro-Caller", "mlflow-bot");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Rename_AppendsModelRenamedToTheChangeFeedAndTheTrail_WhichMovesWithTheModel()
    {
        var name = await _client.ModelWithVersionsAsync("ml-audit-rename", 1);
        var newName = RegistryClient.UniqueName("ml-audit-renamed");
        var before = await LastSequenceAsync();

        await _client.MlflowPostAsync("registered-models/rename", new { name, new_name = newName }).OkJsonAsync();

        var change = Assert.Single(await ChangesSinceAsync(before));
        Assert.Equal("model_renamed", change.GetProperty("kind").GetString());
        Assert.Equal(name, change.GetProperty("model").GetString());
        var events = await EventsAsync(newName);
        Assert.Equal(["model_renamed", "version_created", "model_created"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(name, events[0].GetProperty("from").GetString());
        Assert.Equal(newName, events[0].GetProperty("to").GetString());
        Assert.Equal("mlflow-bot", events[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task CreateVersionFromSource_AppendsVersionCreated_AndTagsAndDescriptionsAreAudited()
    {
        var name = await _client.ModelWithVersionsAsync("ml-audit-version", 1);
        var before = await LastSequenceAsync();

        await _client.MlflowPostAsync("model-versions/create",
            new { name, source = $"models:/{name}/1", tags = new[] { new { key = "origin", value = "mlflow" } } }).OkJsonAsync();
        await _client.MlflowPatchAsync("model-versions/update", new { name, version = "2", description = "copy" }).OkJsonAsync();
        await _client.MlflowPatchAsync("registered-models/update", new { name, description = "audited" }).OkJsonAsync();

        var change = Assert.Single(await ChangesSinceAsync(before));
        Assert.Equal("version_created", change.GetProperty("kind").GetString());
        Assert.Equal("2", change.GetProperty("version").GetString());
        var events = await EventsAsync(name);
        Assert.Equal(["model_updated", "version_updated", "tag_set", "version_created"], events.Take(4).Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("copy", events[1].GetProperty("to").GetString());
        Assert.Equal("origin", events[2].GetProperty("key").GetString());
        Assert.All(events.Take(4), e => Assert.Equal("mlflow-bot", e.GetProperty("actor").GetString()));
        var version = (await _client.MlflowGetAsync("model-versions/get", ("name", name), ("version", "2")).OkJsonAsync()).GetProperty("model_version");
        Assert.Equal("mlflow-bot", version.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task StagesAndAliases_ThroughMlflow_FeedTheChangeFeed()
    {
        var name = await _client.ModelWithVersionsAsync("ml-audit-stage", 2);
        (await _client.TransitionAsync(name, 1, "Production")).Dispose();
        var before = await LastSequenceAsync();

        await _client.MlflowPostAsync("model-versions/transition-stage", new { name, version = "2", stage = "Production", archive_existing_versions = true }).OkJsonAsync();
        await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "champion", version = "2" }).OkJsonAsync();
        await _client.MlflowDeleteAsync("registered-models/alias", new { name, alias = "champion" }).OkJsonAsync();

        var changes = await ChangesSinceAsync(before);
        Assert.Equal(["stage_changed/2", "stage_changed/1", "alias_set/2", "alias_deleted/2"],
            changes.Select(c => $"{c.GetProperty("kind").GetString()}/{c.GetProperty("version").GetString()}"));
    }

    private async Task<long> LastSequenceAsync() =>
        (await _client.GetFromJsonAsync<JsonElement>("/api/v1/changes?since=0")).GetProperty("last_sequence").GetInt64();

    private async Task<JsonElement[]> ChangesSinceAsync(long since) =>
        [.. (await _client.GetFromJsonAsync<JsonElement>($"/api/v1/changes?since={since}")).GetProperty("changes").EnumerateArray()];

    private async Task<JsonElement[]> EventsAsync(string name) =>
        [.. (await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}/events")).GetProperty("events").EnumerateArray()];

    public sealed class OnSqlite() : MlflowAuditTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : MlflowAuditTests(StoreBackend.Postgres);
}
