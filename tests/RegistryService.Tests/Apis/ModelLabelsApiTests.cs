using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary>Aliases, tags and deletions.</summary>
public abstract class ModelLabelsApiTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task SetAlias_ThenMove_ShowsOnModelVersionAndLookup()
    {
        var name = await _client.CreateModelAsync("aliased");
        await _client.UploadSampleAsync(name);
        await _client.UploadSampleAsync(name);

        using (var set = await _client.PutAsJsonAsync($"/api/v1/models/{name}/aliases/production", new { version = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        using (var moved = await _client.PutAsJsonAsync($"/api/v1/models/{name}/aliases/production", new { version = 2 }))
        {
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }

        var model = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}");
        Assert.Equal(2, model.GetProperty("aliases").GetProperty("production").GetInt32());
        var lookedUp = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}/aliases/production");
        Assert.Equal(2, lookedUp.GetProperty("version").GetInt32());
        Assert.Equal(["production"], lookedUp.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        var first = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}/versions/1");
        Assert.Empty(first.GetProperty("aliases").EnumerateArray());
    }

    [Fact]
    public async Task DeleteAlias_Existing_RemovesIt_AndSecondDeleteIs404()
    {
        var name = await _client.CreateModelAsync("unaliased");
        await _client.UploadSampleAsync(name);
        using (await _client.PutAsJsonAsync($"/api/v1/models/{name}/aliases/champion", new { version = 1 }))
        {
        }

        using var deleted = await _client.DeleteAsync($"/api/v1/models/{name}/aliases/champion");
        using var again = await _client.DeleteAsync($"/api/v1/models/{name}/aliases/champion");
        using var lookup = await _client.GetAsync($"/api/v1/models/{name}/aliases/champion");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Contains("no alias 'champion'", await again.ReadProblemDetailAsync(HttpStatusCode.NotFound));
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v3")]
    [InlineData("9lives")]
    [InlineData("has space")]
    public async Task SetAlias_InvalidName_Returns400(string alias)
    {
        var name = await _client.CreateModelAsync("badalias");
        await _client.UploadSampleAsync(name);

        using var response = await _client.PutAsJsonAsync($"/api/v1/models/{name}/aliases/{Uri.EscapeDataString(alias)}", new { version = 1 });

        Assert.Contains("Invalid alias", await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task SetAlias_UnknownVersionOrModel_Returns404()
    {
        var name = await _client.CreateModelAsync("noversion");

        using var version = await _client.PutAsJsonAsync($"/api/v1/models/{name}/aliases/production", new { version = 7 });
        using var model = await _client.PutAsJsonAsync("/api/v1/models/nobody/aliases/production", new { version = 1 });

        Assert.Contains("no version 7", await version.ReadProblemDetailAsync(HttpStatusCode.NotFound));
        Assert.Contains("No model named 'nobody'", await model.ReadProblemDetailAsync(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Tags_OnModelAndVersion_SetReplaceAndDelete()
    {
        var name = await _client.CreateModelAsync("tagged");
        await _client.UploadSampleAsync(name);

        using (await _client.PostAsJsonAsync($"/api/v1/models/{name}/tags", new { key = "team", value = "risk" })) { }
        using (await _client.PostAsJsonAsync($"/api/v1/models/{name}/tags", new { key = "team", value = "fraud" })) { }
        using (await _client.PostAsJsonAsync($"/api/v1/models/{name}/versions/1/tags", new { key = "validated", value = "true" })) { }

        var model = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}");
        var version = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}/versions/1");
        Assert.Equal("fraud", model.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal("true", version.GetProperty("tags").GetProperty("validated").GetString());

        using var deletedModelTag = await _client.DeleteAsync($"/api/v1/models/{name}/tags/team");
        using var deletedVersionTag = await _client.DeleteAsync($"/api/v1/models/{name}/versions/1/tags/validated");
        Assert.Equal(HttpStatusCode.NoContent, deletedModelTag.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deletedVersionTag.StatusCode);
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}")).GetProperty("tags").EnumerateObject());
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}/versions/1")).GetProperty("tags").EnumerateObject());
    }

    [Fact]
    public async Task SetTag_OverLimits_Returns400NamingTheLimit()
    {
        var name = await _client.CreateModelAsync("bigtag");

        using var longKey = await _client.PostAsJsonAsync($"/api/v1/models/{name}/tags", new { key = new string('k', 251), value = "v" });
        using var longValue = await _client.PostAsJsonAsync($"/api/v1/models/{name}/tags", new { key = "k", value = new string('v', 5001) });
        using var atLimits = await _client.PostAsJsonAsync($"/api/v1/models/{name}/tags", new { key = new string('k', 250), value = new string('v', 5000) });

        Assert.Contains("250", await longKey.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
        Assert.Contains("5000", await longValue.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.OK, atLimits.StatusCode);
    }

    [Fact]
    public async Task DeleteVersion_InProduction_NeedsForce_AndTakesItsAliasesAlong()
    {
        var name = await _client.CreateModelAsync("deleting");
        await _client.UploadSampleAsync(name);
        await _client.UploadSampleAsync(name);
        using (await _client.TransitionAsync(name, 2, "Production")) { }
        using (await _client.PutAsJsonAsync($"/api/v1/models/{name}/aliases/production", new { version = 2 })) { }

        using var refused = await _client.DeleteAsync($"/api/v1/models/{name}/versions/2");
        Assert.Contains("force=true", await refused.ReadProblemDetailAsync(HttpStatusCode.Conflict));
        Assert.Equal(new[] { 2, 1 }, await _client.ListVersionNumbersAsync(name));

        using var forced = await _client.DeleteAsync($"/api/v1/models/{name}/versions/2?force=true");
        Assert.Equal(HttpStatusCode.NoContent, forced.StatusCode);
        Assert.Equal(new[] { 1 }, await _client.ListVersionNumbersAsync(name));
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}")).GetProperty("aliases").EnumerateObject());

        // Numbers are never reused.
        Assert.Equal(3, (await _client.UploadSampleAsync(name)).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task DeleteModel_Existing_RemovesItAndItsVersions()
    {
        var name = await _client.CreateModelAsync("gone");
        await _client.UploadSampleAsync(name);

        using var deleted = await _client.DeleteAsync($"/api/v1/models/{name}");
        using var again = await _client.DeleteAsync($"/api/v1/models/{name}");
        using var version = await _client.GetAsync($"/api/v1/models/{name}/versions/1");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, version.StatusCode);
        using var recreated = await _client.PostModelAsync(new { name });
        Assert.Equal(HttpStatusCode.Created, recreated.StatusCode);
    }

    public sealed class OnSqlite(RegistryFactory factory) : ModelLabelsApiTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : ModelLabelsApiTests(factory), IClassFixture<PostgresRegistryFactory>;
}
