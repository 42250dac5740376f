using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary><c>GET /api/v1/models/{name}/events</c> (the audit trail) and <c>GET /api/v1/changes</c> (the change feed).</summary>
public abstract class AuditApiTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Events_EveryKindOfChange_RecordedOldestLastWithTheForwardedCaller()
    {
        using var alice = factory.CreateClient();
        alice.DefaultRequestHeaders.Add("X-Maestro-Caller", "key-alice");
        var name = await alice.CreateModelAsync("audit");
        await alice.UploadSampleAsync(name);
        await alice.UploadSampleAsync(name);
        (await alice.TransitionAsync(name, 1, "Production")).Dispose();
        (await alice.TransitionAsync(name, 2, "Production", archiveExistingVersions: true)).Dispose();
        (await alice.PutAsJsonAsync($"/api/v1/models/{name}/aliases/champion", new { version = 2 })).Dispose();
        (await alice.DeleteAsync($"/api/v1/models/{name}/aliases/champion")).Dispose();
        (await alice.PostAsJsonAsync($"/api/v1/models/{name}/tags", new { key = "team", value = "risk" })).Dispose();
        (await alice.DeleteAsync($"/api/v1/models/{name}/tags/team")).Dispose();
        (await alice.PostAsJsonAsync($"/api/v1/models/{name}/versions/2/tags", new { key = "auc", value = "0.91" })).Dispose();
        (await alice.DeleteAsync($"/api/v1/models/{name}/versions/2/tags/auc")).Dispose();
        (await alice.PutAsJsonAsync($"/api/v1/model-cards/{name}/versions/2", new { intended_use = "Card payments." })).Dispose();
        (await alice.PatchAsJsonAsync($"/api/v1/models/{name}", new { description = "Scores card payments" })).Dispose();
        (await alice.DeleteAsync($"/api/v1/models/{name}/versions/1")).Dispose();

        var events = await EventsAsync(_client, name);

        Assert.Equal(
            [
                ("version_deleted", 1, null, "Archived", null),
                ("model_updated", null, "description", null, "Scores card payments"),
                ("card_section_set", 2, "intended_use", null, null),
                ("tag_deleted", 2, "auc", "0.91", null),
                ("tag_set", 2, "auc", null, "0.91"),
                ("tag_deleted", null, "team", "risk", null),
                ("tag_set", null, "team", null, "risk"),
                ("alias_deleted", 2, "champion", "2", null),
                ("alias_set", 2, "champion", null, "2"),
                ("stage_changed", 1, "archive_existing_versions", "Production", "Archived"),
                ("stage_changed", 2, null, "None", "Production"),
                ("stage_changed", 1, null, "None", "Production"),
                ("version_created", 2, null, null, "None"),
                ("version_created", 1, null, null, "None"),
                ("model_created", null, null, null, null),
            ],
            events.Select(e => (Text(e, "action")!, Number(e, "version"), Text(e, "key"), Text(e, "from"), Text(e, "to"))).ToArray());
        Assert.All(events, e => Assert.Equal("key-alice", Text(e, "actor")));
        Assert.All(events, e => Assert.Equal(factory.Time.GetUtcNow().ToUnixTimeMilliseconds(), e.GetProperty("timestamp").GetInt64()));
        var ids = events.Select(e => e.GetProperty("id").GetInt64()).ToArray();
        Assert.Equal(ids.OrderDescending(), ids);
    }

    [Fact]
    public async Task Events_NoCallerHeader_ActorIsAnonymous()
    {
        var name = await _client.CreateModelAsync("audit-anonymous");

        var created = Assert.Single(await EventsAsync(_client, name));

        Assert.Equal("anonymous", Text(created, "actor"));
    }

    [Fact]
    public async Task Events_RefusedChange_RecordsNothing()
    {
        var name = await _client.CreateModelAsync("audit-refused");
        await _client.UploadSampleAsync(name);
        (await _client.TransitionAsync(name, 1, "Production")).Dispose();
        var before = await EventsAsync(_client, name);

        using var refused = await _client.DeleteAsync($"/api/v1/models/{name}/versions/1");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(before.Length, (await EventsAsync(_client, name)).Length);
    }

    [Fact]
    public async Task Events_PagedTwoAtATime_EveryEventOnceNewestFirst()
    {
        var name = await _client.CreateModelAsync("audit-pages");
        for (var i = 0; i < 4; i++)
        {
            (await _client.PostAsJsonAsync($"/api/v1/models/{name}/tags", new { key = $"k{i}", value = "v" })).Dispose();
        }

        var all = await EventsAsync(_client, name);
        var paged = new List<long>();
        string? token = null;
        var pages = 0;
        do
        {
            using var response = await _client.GetAsync($"/api/v1/models/{name}/events?max_results=2" + (token is null ? "" : $"&page_token={token}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJsonAsync();
            paged.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            token = page.TryGetProperty("next_page_token", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            pages++;
        }
        while (token is not null);

        Assert.Equal(5, all.Length);
        Assert.Equal(3, pages);
        Assert.Equal(all.Select(e => e.GetProperty("id").GetInt64()), paged);
    }

    [Theory]
    [InlineData("max_results=0", "max_results")]
    [InlineData("max_results=1001", "max_results")]
    [InlineData("page_token=!!not-a-token", "page_token")]
    [InlineData("page_token=bm90LWFuLWlk", "page_token")]
    public async Task Events_BadPaging_Returns400NamingTheParameter(string query, string parameter)
    {
        var name = await _client.CreateModelAsync("audit-bad-paging");

        using var response = await _client.GetAsync($"/api/v1/models/{name}/events?{query}");

        Assert.Contains(parameter, await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Events_NeverRegisteredName_Returns404()
    {
        using var response = await _client.GetAsync($"/api/v1/models/{RegistryClient.UniqueName("ghost")}/events");

        Assert.Contains("No model named", await response.ReadProblemDetailAsync(HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Events_DeletedModel_TrailStaysReadableAndContinuesWhenTheNameIsReused()
    {
        using var ops = factory.CreateClient();
        ops.DefaultRequestHeaders.Add("X-Maestro-Caller", "key-ops");
        var name = await _client.CreateModelAsync("audit-deleted");
        (await ops.DeleteAsync($"/api/v1/models/{name}")).Dispose();

        var afterDelete = await EventsAsync(_client, name);
        (await _client.PostModelAsync(new { name })).Dispose();
        var afterRecreate = await EventsAsync(_client, name);

        Assert.Equal([("model_deleted", "key-ops"), ("model_created", "anonymous")], afterDelete.Select(e => (Text(e, "action")!, Text(e, "actor")!)).ToArray());
        Assert.Equal(["model_created", "model_deleted", "model_created"], afterRecreate.Select(e => Text(e, "action")!).ToArray());
    }

    [Fact]
    public async Task Changes_ServingChanges_ListedInOrderAfterSinceWithVersionsAsStrings()
    {
        var since = (await ChangesAsync("")).GetProperty("last_sequence").GetInt64();
        var name = await _client.CreateModelAsync("feed");
        await _client.UploadSampleAsync(name);
        await _client.UploadSampleAsync(name);
        (await _client.TransitionAsync(name, 2, "Production")).Dispose();
        (await _client.PutAsJsonAsync($"/api/v1/models/{name}/aliases/production", new { version = 1 })).Dispose();
        (await _client.PostAsJsonAsync($"/api/v1/models/{name}/tags", new { key = "team", value = "risk" })).Dispose();
        (await _client.DeleteAsync($"/api/v1/models/{name}/aliases/production")).Dispose();
        (await _client.DeleteAsync($"/api/v1/models/{name}/versions/1")).Dispose();
        (await _client.DeleteAsync($"/api/v1/models/{name}")).Dispose();

        var feed = await ChangesAsync($"?since={since}");

        var changes = feed.GetProperty("changes").EnumerateArray().ToArray();
        Assert.Equal(
            [
                ("version_created", "1"), ("version_created", "2"), ("stage_changed", "2"), ("alias_set", "1"),
                ("alias_deleted", "1"), ("version_deleted", "1"), ("model_deleted", null),
            ],
            changes.Select(c => (Text(c, "kind")!, Text(c, "version"))).ToArray());
        Assert.All(changes, c => Assert.Equal(name, Text(c, "model")));
        var sequences = changes.Select(c => c.GetProperty("sequence").GetInt64()).ToArray();
        Assert.True(sequences[0] > since);
        Assert.Equal(sequences.Order().Distinct(), sequences);
        Assert.Equal(sequences[^1], feed.GetProperty("last_sequence").GetInt64());
        Assert.All(changes, c => Assert.Equal(factory.Time.GetUtcNow().ToUnixTimeMilliseconds(), c.GetProperty("timestamp").GetInt64()));
    }

    [Fact]
    public async Task Changes_MaxResults_LimitsThePageButNotLastSequence()
    {
        var name = await _client.CreateModelAsync("feed-limit");
        await _client.UploadSampleAsync(name);
        await _client.UploadSampleAsync(name);
        var last = (await ChangesAsync("")).GetProperty("last_sequence").GetInt64();

        var page = await ChangesAsync($"?since={last - 2}&max_results=1");

        var change = Assert.Single(page.GetProperty("changes").EnumerateArray());
        Assert.Equal(last - 1, change.GetProperty("sequence").GetInt64());
        Assert.Equal(last, page.GetProperty("last_sequence").GetInt64());
        Assert.Empty((await ChangesAsync($"?since={last}")).GetProperty("changes").EnumerateArray());
    }

    [Theory]
    [InlineData("since=-1", "since")]
    [InlineData("max_results=0", "max_results")]
    [InlineData("max_results=1001", "max_results")]
    public async Task Changes_BadQuery_Returns400NamingTheParameter(string query, string parameter)
    {
        using var response = await _client.GetAsync($"/api/v1/changes?{query}");

        Assert.Contains(parameter, await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
    }

    private async Task<JsonElement> ChangesAsync(string query)
    {
        using var response = await _client.GetAsync("/api/v1/changes" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    internal static async Task<JsonElement[]> EventsAsync(HttpClient client, string name)
    {
        using var response = await client.GetAsync($"/api/v1/models/{name}/events?max_results=1000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadJsonAsync();
        Assert.False(page.TryGetProperty("next_page_token", out var token) && token.ValueKind != JsonValueKind.Null);
        return [.. page.GetProperty("events").EnumerateArray()];
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    private static int? Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetInt32() : null;

    public sealed class OnSqlite(RegistryFactory factory) : AuditApiTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : AuditApiTests(factory), IClassFixture<PostgresRegistryFactory>;
}
