using System.Net;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary><c>POST /api/v1/models</c> and <c>GET /api/v1/models/{name}</c>.</summary>
public abstract class ModelsApiTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task CreateModel_ValidRequest_Returns201WithSnakeCaseModel()
    {
        var name = RegistryClient.UniqueName("fraud");

        using var response = await _client.PostModelAsync(new
        {
            name,
            description = "Scores card payments",
            tags = new Dictionary<string, string> { ["ownerTeam"] = "risk", ["tier"] = "gold" },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/models/{name}", response.Headers.Location?.OriginalString);
        var model = await response.ReadJsonAsync();
        Assert.Equal(name, model.GetProperty("name").GetString());
        Assert.Equal("Scores card payments", model.GetProperty("description").GetString());
        // Tag keys are the user's own: the snake_case policy must not rewrite them.
        Assert.Equal(
            new Dictionary<string, string> { ["ownerTeam"] = "risk", ["tier"] = "gold" },
            model.GetProperty("tags").Deserialize<Dictionary<string, string>>());
        var now = factory.Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(now, model.GetProperty("creation_timestamp").GetInt64());
        Assert.Equal(now, model.GetProperty("last_updated_timestamp").GetInt64());
        Assert.Empty(model.GetProperty("latest_versions").EnumerateArray());
        Assert.False(model.TryGetProperty("creationTimestamp", out _));
    }

    [Fact]
    public async Task GetModel_Created_ReturnsSameModel()
    {
        var name = RegistryClient.UniqueName("get");
        using var created = await _client.PostModelAsync(new { name, description = "d", tags = new { stage = "beta" } });
        var expected = await created.ReadJsonAsync();

        using var response = await _client.GetAsync($"/api/v1/models/{name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.GetRawText(), (await response.ReadJsonAsync()).GetRawText());
    }

    [Theory]
    [InlineData("")]
    [InlineData("spaces in name")]
    [InlineData("team/model")]
    [InlineData(".")]
    [InlineData("..")]
    public async Task CreateModel_InvalidName_Returns400ExplainingTheRule(string name)
    {
        using var response = await _client.PostModelAsync(new { name });

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("1 to 128 characters", detail);
        Assert.Contains("letters, digits", detail);
    }

    [Fact]
    public async Task CreateModel_NameOf129Characters_Returns400ExplainingTheRule()
    {
        using var response = await _client.PostModelAsync(new { name = new string('m', 129) });

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("1 to 128 characters", detail);
    }

    [Fact]
    public async Task CreateModel_NameOf128Characters_Returns201()
    {
        var name = new string('n', 128);

        using var response = await _client.PostModelAsync(new { name });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(name, (await response.ReadJsonAsync()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task CreateModel_NoName_Returns400()
    {
        using var response = await _client.PostModelAsync(new { description = "nameless" });

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("1 to 128 characters", detail);
    }

    [Fact]
    public async Task CreateModel_InvalidName_RecordsNothing()
    {
        using var response = await _client.PostModelAsync(new { name = "fraud detector" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        using var get = await _client.GetAsync("/api/v1/models/fraud%20detector");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task CreateModel_DuplicateName_Returns409AndKeepsTheFirst()
    {
        var name = RegistryClient.UniqueName("dup");
        using var first = await _client.PostModelAsync(new { name, description = "first" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var second = await _client.PostModelAsync(new { name, description = "second" });

        var detail = await second.ReadProblemDetailAsync(HttpStatusCode.Conflict);
        Assert.Contains(name, detail);
        using var get = await _client.GetAsync($"/api/v1/models/{name}");
        Assert.Equal("first", (await get.ReadJsonAsync()).GetProperty("description").GetString());
    }

    [Fact]
    public async Task CreateModel_TagWithNullValue_Returns400AndRecordsNothing()
    {
        var name = RegistryClient.UniqueName("null-tag");

        using var response = await _client.PostModelAsync(new { name, tags = new Dictionary<string, string?> { ["owner"] = null } });

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'owner'", detail);
        using var get = await _client.GetAsync($"/api/v1/models/{name}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task GetModel_UnknownName_Returns404ProblemWithTraceId()
    {
        using var response = await _client.GetAsync("/api/v1/models/no-such-model");

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
        Assert.Contains("no-such-model", detail);
        var problem = await response.ReadJsonAsync();
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
        Assert.False(problem.TryGetProperty("trace_id", out _));
    }

    [Fact]
    public async Task GetModel_VersionsInSeveralStages_LatestVersionsHoldsNewestPerStage()
    {
        var name = await _client.CreateModelAsync("latest");
        for (var i = 0; i < 4; i++)
        {
            await _client.UploadSampleAsync(name);
        }

        (await _client.TransitionAsync(name, 1, "Production")).Dispose();
        (await _client.TransitionAsync(name, 2, "Production")).Dispose();
        (await _client.TransitionAsync(name, 3, "Staging")).Dispose();

        using var response = await _client.GetAsync($"/api/v1/models/{name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var latest = (await response.ReadJsonAsync()).GetProperty("latest_versions").EnumerateArray()
            .Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("current_stage").GetString()))
            .OrderBy(v => v.Item1)
            .ToArray();
        Assert.Equal([(2, "Production"), (3, "Staging"), (4, "None")], latest);
    }

    public sealed class OnSqlite(RegistryFactory factory) : ModelsApiTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : ModelsApiTests(factory), IClassFixture<PostgresRegistryFactory>;
}
