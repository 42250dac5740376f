using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary><c>GET /api/v1/models</c>: filters and pages. Each test uses its own registry: listing sees every model.</summary>
public abstract class ModelsApiSearchTests(StoreBackend backend) : IAsyncLifetime
{
    private readonly RegistryFactory _factory = new(backend);
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        foreach (var (name, team) in new[] { ("fraud-detector", "risk"), ("fraud-scorer", "Risk"), ("churn", "growth"), ("Fraud-legacy", "risk") })
        {
            using var created = await _client.PostAsJsonAsync("/api/v1/models", new { name, tags = new Dictionary<string, string> { ["team"] = team } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("", new[] { "Fraud-legacy", "churn", "fraud-detector", "fraud-scorer" })]
    [InlineData("name = 'churn'", new[] { "churn" })]
    [InlineData("name != 'churn'", new[] { "Fraud-legacy", "fraud-detector", "fraud-scorer" })]
    [InlineData("name LIKE '%fraud%'", new[] { "fraud-detector", "fraud-scorer" })]
    [InlineData("name ILIKE '%fraud%'", new[] { "Fraud-legacy", "fraud-detector", "fraud-scorer" })]
    [InlineData("name LIKE 'fraud-_____r'", new[] { "fraud-scorer" })]
    [InlineData("tags.team = 'risk'", new[] { "Fraud-legacy", "fraud-detector" })]
    [InlineData("tags.team ILIKE 'risk' AND name LIKE 'fraud%'", new[] { "fraud-detector", "fraud-scorer" })]
    [InlineData("tags.missing = 'x'", new string[0])]
    public async Task ListModels_Filter_ReturnsMatchesInNameOrder(string filter, string[] expected)
    {
        var page = await _client.GetFromJsonAsync<Page>($"/api/v1/models?filter_string={Uri.EscapeDataString(filter)}", Json);

        Assert.Equal(expected, page!.Models.Select(m => m.Name));
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task ListModels_OnePerPage_WalksEveryModelOnceWithTokens()
    {
        var seen = new List<string>();
        string? token = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = (await _client.GetFromJsonAsync<Page>($"/api/v1/models?max_results=1{(token is null ? "" : "&page_token=" + token)}", Json))!;
            seen.AddRange(page.Models.Select(m => m.Name));
            token = page.NextPageToken;
            if (token is null)
            {
                break;
            }
        }

        Assert.Equal(["Fraud-legacy", "churn", "fraud-detector", "fraud-scorer"], seen);
    }

    [Theory]
    [InlineData("max_results=0", "max_results")]
    [InlineData("max_results=1001", "max_results")]
    [InlineData("page_token=%25%25%25", "page_token")]
    [InlineData("filter_string=name%20%3D%3D%20'x'", "filter_string position 7")]
    public async Task ListModels_BadQuery_Returns400Saying(string query, string reason)
    {
        using var response = await _client.GetAsync($"/api/v1/models?{query}");

        Assert.Contains(reason, await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Page(IReadOnlyList<Named> Models, string? NextPageToken);

    private sealed record Named(string Name);

    public sealed class OnSqlite() : ModelsApiSearchTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : ModelsApiSearchTests(StoreBackend.Postgres);
}
