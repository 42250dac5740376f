using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary><c>/api/2.0/mlflow/registered-models/*</c>: MLflow's shapes and error codes.</summary>
public abstract class MlflowRegisteredModelsApiTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Create_NewName_ReturnsRegisteredModelInMlflowShape()
    {
        var name = RegistryClient.UniqueName("ml-create");

        var body = await _client.MlflowPostAsync("registered-models/create", new
        {
            name,
            description = "fraud scores",
            tags = new[] { new { key = "team", value = "risk" } },
        }).OkJsonAsync();

        var model = body.GetProperty("registered_model");
        Assert.Equal(name, model.GetProperty("name").GetString());
        Assert.Equal("fraud scores", model.GetProperty("description").GetString());
        Assert.Equal(factory.Time.GetUtcNow().ToUnixTimeMilliseconds(), model.GetProperty("creation_timestamp").GetInt64());
        Assert.Equal(JsonValueKind.Number, model.GetProperty("last_updated_timestamp").ValueKind);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "risk" }, model.GetProperty("tags").TagMap());
        Assert.Empty(model.GetProperty("latest_versions").EnumerateArray());
        Assert.Empty(model.GetProperty("aliases").EnumerateArray());
    }

    [Fact]
    public async Task Create_WithoutDescription_LeavesTheFieldOut()
    {
        var name = RegistryClient.UniqueName("ml-bare");

        var model = (await _client.MlflowPostAsync("registered-models/create", new { name }).OkJsonAsync()).GetProperty("registered_model");

        Assert.False(model.TryGetProperty("description", out _));
    }

    [Fact]
    public async Task Create_ExistingName_Returns400ResourceAlreadyExists()
    {
        var name = await _client.MlflowCreateModelAsync("ml-twice");

        var message = await _client.MlflowPostAsync("registered-models/create", new { name }).AlreadyExistsAsync();

        Assert.Contains(name, message);
    }

    [Theory]
    [InlineData("{}", "Missing value for required parameter 'name'")]
    [InlineData("{\"name\": \"has space\"}", "Invalid model name 'has space'")]
    [InlineData("{\"name\": 42}", "Parameter 'name' must be a string")]
    [InlineData("{\"name\": \"ok\", \"tags\": [{\"key\": \"team\"}]}", "Tag 'team' needs a 'value'")]
    [InlineData("{\"name\": \"ok\", \"tags\": {\"team\": \"risk\"}}", "Parameter 'tags' must be a list")]
    [InlineData("{\"name\": ", "not valid JSON")]
    [InlineData("[\"name\"]", "must be a JSON object")]
    public async Task Create_BadBody_Returns400InvalidParameterValue(string json, string expected)
    {
        var message = await _client.PostAsync(MlflowCalls.Prefix + "registered-models/create", new StringContent(json, Encoding.UTF8, "application/json"))
            .InvalidParameterAsync();

        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task Create_BodyOverOneMegabyte_Returns400InvalidParameterValue()
    {
        var json = $"{{\"name\": \"big\", \"description\": \"{new string('x', 1024 * 1024)}\"}}";

        var message = await _client.PostAsync(MlflowCalls.Prefix + "registered-models/create", new StringContent(json, Encoding.UTF8, "application/json"))
            .InvalidParameterAsync();

        Assert.Contains("longer than", message);
        await _client.MlflowGetAsync("registered-models/get", ("name", "big")).DoesNotExistAsync();
    }

    [Fact]
    public async Task Get_ExistingModel_ShowsLatestVersionPerStageAndAliasesAsStrings()
    {
        var name = await _client.ModelWithVersionsAsync("ml-get", 3);
        (await _client.TransitionAsync(name, 2, "Production")).Dispose();
        await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "champion", version = "2" }).OkJsonAsync();

        var model = (await _client.MlflowGetAsync("registered-models/get", ("name", name)).OkJsonAsync()).GetProperty("registered_model");

        var latest = model.GetProperty("latest_versions");
        Assert.Equal(["3", "2"], latest.Strings("version"));
        Assert.Equal(["None", "Production"], latest.Strings("current_stage"));
        Assert.All(latest.EnumerateArray(), version => Assert.Equal("READY", version.GetProperty("status").GetString()));
        var alias = Assert.Single(model.GetProperty("aliases").EnumerateArray());
        Assert.Equal("champion", alias.GetProperty("alias").GetString());
        Assert.Equal("2", alias.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Get_UnknownModel_Returns404ResourceDoesNotExist()
    {
        var message = await _client.MlflowGetAsync("registered-models/get", ("name", "no-such-model")).DoesNotExistAsync();

        Assert.Contains("no-such-model", message);
    }

    [Fact]
    public async Task Get_WithoutName_Returns400InvalidParameterValue()
    {
        var message = await _client.MlflowGetAsync("registered-models/get").InvalidParameterAsync();

        Assert.Contains("'name'", message);
    }

    [Fact]
    public async Task Update_Description_IsStoredAndSeenThroughApiV1()
    {
        var name = await _client.MlflowCreateModelAsync("ml-update");
        factory.Time.Advance(TimeSpan.FromSeconds(5));

        var model = (await _client.MlflowPatchAsync("registered-models/update", new { name, description = "now described" }).OkJsonAsync())
            .GetProperty("registered_model");

        Assert.Equal("now described", model.GetProperty("description").GetString());
        Assert.True(model.GetProperty("last_updated_timestamp").GetInt64() > model.GetProperty("creation_timestamp").GetInt64());
        var v1 = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}");
        Assert.Equal("now described", v1.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Update_UnknownModel_Returns404ResourceDoesNotExist()
    {
        await _client.MlflowPatchAsync("registered-models/update", new { name = "no-such-model", description = "x" }).DoesNotExistAsync();
    }

    [Fact]
    public async Task Rename_ModelWithVersionsTagsAndAliases_MovesEverythingToTheNewName()
    {
        var name = await _client.ModelWithVersionsAsync("ml-rename", 2);
        var newName = RegistryClient.UniqueName("ml-renamed");
        await _client.MlflowPostAsync("registered-models/set-tag", new { name, key = "team", value = "risk" }).OkJsonAsync();
        await _client.MlflowPostAsync("model-versions/set-tag", new { name, version = "1", key = "data", value = "2024" }).OkJsonAsync();
        await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "champion", version = "1" }).OkJsonAsync();

        var renamed = (await _client.MlflowPostAsync("registered-models/rename", new { name, new_name = newName }).OkJsonAsync())
            .GetProperty("registered_model");

        Assert.Equal(newName, renamed.GetProperty("name").GetString());
        Assert.Equal(new Dictionary<string, string> { ["team"] = "risk" }, renamed.GetProperty("tags").TagMap());
        Assert.Equal(new[] { 2, 1 }, await _client.ListVersionNumbersAsync(newName));
        var byAlias = (await _client.MlflowGetAsync("registered-models/alias", ("name", newName), ("alias", "champion")).OkJsonAsync()).GetProperty("model_version");
        Assert.Equal("1", byAlias.GetProperty("version").GetString());
        Assert.Equal(new Dictionary<string, string> { ["data"] = "2024" }, byAlias.GetProperty("tags").TagMap());
        using var artifact = await _client.GetAsync($"/api/v1/models/{newName}/versions/1/artifact");
        Assert.Equal(HttpStatusCode.OK, artifact.StatusCode);
        await _client.MlflowGetAsync("registered-models/get", ("name", name)).DoesNotExistAsync();
    }

    [Fact]
    public async Task Rename_ToExistingName_Returns400ResourceAlreadyExistsAndKeepsBoth()
    {
        var first = await _client.MlflowCreateModelAsync("ml-rename-a");
        var second = await _client.MlflowCreateModelAsync("ml-rename-b");

        await _client.MlflowPostAsync("registered-models/rename", new { name = first, new_name = second }).AlreadyExistsAsync();

        await _client.MlflowGetAsync("registered-models/get", ("name", first)).OkJsonAsync();
        await _client.MlflowGetAsync("registered-models/get", ("name", second)).OkJsonAsync();
    }

    [Fact]
    public async Task Rename_UnknownModel_Returns404_AndInvalidNewName_Returns400()
    {
        await _client.MlflowPostAsync("registered-models/rename", new { name = "no-such-model", new_name = "anything" }).DoesNotExistAsync();
        var name = await _client.MlflowCreateModelAsync("ml-rename-bad");
        var message = await _client.MlflowPostAsync("registered-models/rename", new { name, new_name = "../escape" }).InvalidParameterAsync();
        Assert.Contains("new_name", message);
    }

    [Fact]
    public async Task Delete_Model_ReturnsEmptyObject_ThenGetIs404()
    {
        var name = await _client.ModelWithVersionsAsync("ml-delete", 1);

        var body = await _client.MlflowDeleteAsync("registered-models/delete", new { name }).OkJsonAsync();

        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Empty(body.EnumerateObject());
        await _client.MlflowGetAsync("registered-models/get", ("name", name)).DoesNotExistAsync();
        await _client.MlflowDeleteAsync("registered-models/delete", new { name }).DoesNotExistAsync();
    }

    [Fact]
    public async Task GetLatestVersions_GetAndPost_ReturnNewestPerRequestedStage()
    {
        var name = await _client.ModelWithVersionsAsync("ml-latest", 4);
        (await _client.TransitionAsync(name, 1, "Production")).Dispose();
        (await _client.TransitionAsync(name, 2, "Staging")).Dispose();
        (await _client.TransitionAsync(name, 3, "Staging")).Dispose();

        var all = await _client.MlflowGetAsync("registered-models/get-latest-versions", ("name", name)).OkJsonAsync();
        var viaGet = await _client.MlflowGetAsync("registered-models/get-latest-versions", ("name", name), ("stages", "staging"), ("stages", "Production")).OkJsonAsync();
        var viaPost = await _client.MlflowPostAsync("registered-models/get-latest-versions", new { name, stages = new[] { "Staging" } }).OkJsonAsync();

        Assert.Equal(["4", "3", "1"], all.GetProperty("model_versions").Strings("version"));
        Assert.Equal(["3", "1"], viaGet.GetProperty("model_versions").Strings("version"));
        Assert.Equal(["3"], viaPost.GetProperty("model_versions").Strings("version"));
    }

    [Fact]
    public async Task GetLatestVersions_UnknownStage_Returns400_AndUnknownModel_Returns404()
    {
        var name = await _client.ModelWithVersionsAsync("ml-latest-bad", 1);

        var message = await _client.MlflowPostAsync("registered-models/get-latest-versions", new { name, stages = new[] { "Live" } }).InvalidParameterAsync();
        Assert.Contains("Live", message);
        await _client.MlflowPostAsync("registered-models/get-latest-versions", new { name = "no-such-model" }).DoesNotExistAsync();
    }

    [Fact]
    public async Task SetTag_ThenDeleteTag_ChangesTagsAndDeletingAMissingKeyIsFine()
    {
        var name = await _client.MlflowCreateModelAsync("ml-tags");

        var set = await _client.MlflowPostAsync("registered-models/set-tag", new { name, key = "team", value = "risk" }).OkJsonAsync();
        var tagged = await _client.MlflowGetAsync("registered-models/get", ("name", name)).OkJsonAsync();
        await _client.MlflowDeleteAsync("registered-models/delete-tag", new { name, key = "team" }).OkJsonAsync();
        await _client.MlflowDeleteAsync("registered-models/delete-tag", new { name, key = "team" }).OkJsonAsync();
        var untagged = await _client.MlflowGetAsync("registered-models/get", ("name", name)).OkJsonAsync();

        Assert.Empty(set.EnumerateObject());
        Assert.Equal("risk", tagged.GetProperty("registered_model").GetProperty("tags").TagMap()["team"]);
        Assert.Empty(untagged.GetProperty("registered_model").GetProperty("tags").EnumerateArray());
    }

    [Fact]
    public async Task SetTag_UnknownModel_Returns404_AndKeyTooLong_Returns400()
    {
        await _client.MlflowPostAsync("registered-models/set-tag", new { name = "no-such-model", key = "k", value = "v" }).DoesNotExistAsync();
        await _client.MlflowDeleteAsync("registered-models/delete-tag", new { name = "no-such-model", key = "k" }).DoesNotExistAsync();
        var name = await _client.MlflowCreateModelAsync("ml-tag-long");
        var message = await _client.MlflowPostAsync("registered-models/set-tag", new { name, key = new string('k', 251), value = "v" }).InvalidParameterAsync();
        Assert.Contains("250", message);
    }

    [Fact]
    public async Task Alias_SetGetDelete_FollowsMlflow()
    {
        var name = await _client.ModelWithVersionsAsync("ml-alias", 2);

        await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "champion", version = "1" }).OkJsonAsync();
        await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "champion", version = "2" }).OkJsonAsync();
        var byAlias = (await _client.MlflowGetAsync("registered-models/alias", ("name", name), ("alias", "champion")).OkJsonAsync()).GetProperty("model_version");
        await _client.MlflowDeleteAsync("registered-models/alias", new { name, alias = "champion" }).OkJsonAsync();

        Assert.Equal("2", byAlias.GetProperty("version").GetString());
        Assert.Equal(["champion"], byAlias.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        var message = await _client.MlflowGetAsync("registered-models/alias", ("name", name), ("alias", "champion")).DoesNotExistAsync();
        Assert.Contains("champion", message);
    }

    [Fact]
    public async Task Alias_Errors_UseMlflowCodes()
    {
        var name = await _client.ModelWithVersionsAsync("ml-alias-bad", 1);

        await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "champion", version = "9" }).DoesNotExistAsync();
        await _client.MlflowPostAsync("registered-models/alias", new { name = "no-such-model", alias = "champion", version = "1" }).DoesNotExistAsync();
        Assert.Contains("latest", await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "latest", version = "1" }).InvalidParameterAsync());
        Assert.Contains("version", await _client.MlflowPostAsync("registered-models/alias", new { name, alias = "champion", version = "one" }).InvalidParameterAsync());
        await _client.MlflowGetAsync("registered-models/alias", ("name", "no-such-model"), ("alias", "champion")).DoesNotExistAsync();
    }

    public sealed class OnSqlite(RegistryFactory factory) : MlflowRegisteredModelsApiTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : MlflowRegisteredModelsApiTests(factory), IClassFixture<PostgresRegistryFactory>;
}
