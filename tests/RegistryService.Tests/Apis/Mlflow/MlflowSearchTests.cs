using System.Net.Http.Json;

namespace Maestro.RegistryService.Tests.Apis.Mlflow;

/// <summary>
/// <c>registered-models/search</c> and <c>model-versions/search</c>: filters and paging with
/// <c>next_page_token</c>. Each test has its own registry, so a search sees exactly its models.
/// </summary>
public abstract class MlflowSearchTests(StoreBackend backend) : IAsyncLifetime
{
    private readonly RegistryFactory _factory = new(backend);
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        foreach (var (name, team, versions) in new[] { ("fraud-detector", "risk", 3), ("fraud-scorer", "risk", 1), ("churn", "growth", 2), ("iris", "demo", 0) })
        {
            await _client.MlflowPostAsync("registered-models/create", new { name, tags = new[] { new { key = "team", value = team } } }).OkJsonAsync();
            for (var i = 0; i < versions; i++)
            {
                await _client.UploadSampleAsync(name);
            }
        }

        await _client.MlflowPostAsync("model-versions/set-tag", new { name = "fraud-detector", version = "2", key = "validated", value = "yes" }).OkJsonAsync();
        await _client.MlflowPostAsync("model-versions/set-tag", new { name = "churn", version = "1", key = "validated", value = "yes" }).OkJsonAsync();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("", new[] { "churn", "fraud-detector", "fraud-scorer", "iris" })]
    [InlineData("name = 'iris'", new[] { "iris" })]
    [InlineData("name LIKE 'fraud%'", new[] { "fraud-detector", "fraud-scorer" })]
    [InlineData("tags.team = 'risk' AND name != 'fraud-scorer'", new[] { "fraud-detector" })]
    public async Task SearchModels_Filter_ReturnsMatchesInNameOrder(string filter, string[] expected)
    {
        var page = await _client.MlflowGetAsync("registered-models/search", ("filter", filter)).OkJsonAsync();

        Assert.Equal(expected, page.GetProperty("registered_models").Strings("name"));
        Assert.False(page.TryGetProperty("next_page_token", out _));
    }

    [Fact]
    public async Task SearchModels_PageByPage_VisitsEveryModelOnce()
    {
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = new List<(string, string)> { ("max_results", "3") };
            if (token is not null)
            {
                query.Add(("page_token", token));
            }

            var page = await _client.MlflowGetAsync("registered-models/search", [.. query]).OkJsonAsync();
            seen.AddRange(page.GetProperty("registered_models").Strings("name"));
            token = page.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null);

        Assert.Equal(2, pages);
        Assert.Equal(["churn", "fraud-detector", "fraud-scorer", "iris"], seen);
    }

    [Theory]
    [InlineData("max_results", "0", "max_results")]
    [InlineData("max_results", "1001", "max_results")]
    [InlineData("max_results", "lots", "max_results")]
    [InlineData("page_token", "not a token!", "page_token")]
    [InlineData("order_by", "last_updated_timestamp DESC", "order_by")]
    [InlineData("filter", "name = iris", "position 8")]
    [InlineData("filter", "owner = 'me'", "unknown field 'owner'")]
    public async Task SearchModels_BadParameter_Returns400InvalidParameterValue(string parameter, string value, string expected)
    {
        var message = await _client.MlflowGetAsync("registered-models/search", (parameter, value)).InvalidParameterAsync();

        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("name  asc")]
    public async Task SearchModels_OrderByName_IsAccepted(string orderBy)
    {
        var page = await _client.MlflowGetAsync("registered-models/search", ("order_by", orderBy)).OkJsonAsync();

        Assert.Equal(4, page.GetProperty("registered_models").GetArrayLength());
    }

    [Theory]
    [InlineData("name = 'fraud-detector'", new[] { "fraud-detector/3", "fraud-detector/2", "fraud-detector/1" })]
    [InlineData("name LIKE 'fraud%'", new[] { "fraud-detector/3", "fraud-detector/2", "fraud-detector/1", "fraud-scorer/1" })]
    [InlineData("tags.validated = 'yes'", new[] { "churn/1", "fraud-detector/2" })]
    [InlineData("name = 'iris'", new string[0])]
    public async Task SearchVersions_Filter_ReturnsMatchesByNameThenNewestFirst(string filter, string[] expected)
    {
        var page = await _client.MlflowGetAsync("model-versions/search", ("filter", filter)).OkJsonAsync();

        Assert.Equal(expected, page.GetProperty("model_versions").EnumerateArray()
            .Select(v => $"{v.GetProperty("name").GetString()}/{v.GetProperty("version").GetString()}"));
    }

    [Fact]
    public async Task SearchVersions_PageByPage_VisitsEveryVersionOnce()
    {
        var seen = new List<string>();
        string? token = null;
        do
        {
            var query = new List<(string, string)> { ("max_results", "2") };
            if (token is not null)
            {
                query.Add(("page_token", token));
            }

            var page = await _client.MlflowGetAsync("model-versions/search", [.. query]).OkJsonAsync();
            seen.AddRange(page.GetProperty("model_versions").EnumerateArray()
                .Select(v => $"{v.GetProperty("name").GetString()}/{v.GetProperty("version").GetString()}"));
            token = page.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
        }
        while (token is not null);

        Assert.Equal(["churn/2", "churn/1", "fraud-detector/3", "fraud-detector/2", "fraud-detector/1", "fraud-scorer/1"], seen);
    }

    [Theory]
    [InlineData("page_token", "bm90LWEtdmVyc2lvbg")]
    [InlineData("max_results", "200001")]
    [InlineData("order_by", "current_stage")]
    public async Task SearchVersions_BadParameter_Returns400InvalidParameterValue(string parameter, string value)
    {
        var message = await _client.MlflowGetAsync("model-versions/search", (parameter, value)).InvalidParameterAsync();

        Assert.Contains(parameter, message);
    }

    [Fact]
    public async Task SearchModels_SeesModelsCreatedThroughApiV1_AndApiV1SeesMlflowOnes()
    {
        using (await _client.PostAsJsonAsync("/api/v1/models", new { name = "v1-made", tags = new Dictionary<string, string> { ["team"] = "risk" } }))
        {
        }

        var risk = await _client.MlflowGetAsync("registered-models/search", ("filter", "tags.team = 'risk'")).OkJsonAsync();
        var v1 = await _client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/models?filter_string=" + Uri.EscapeDataString("name = 'iris'"));

        Assert.Equal(["fraud-detector", "fraud-scorer", "v1-made"], risk.GetProperty("registered_models").Strings("name"));
        Assert.Equal("demo", v1.GetProperty("models")[0].GetProperty("tags").GetProperty("team").GetString());
    }

    public sealed class OnSqlite() : MlflowSearchTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : MlflowSearchTests(StoreBackend.Postgres);
}
