using System.Net;
using System.Net.Http.Json;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary><c>PATCH /api/v1/models/{name}</c> and the ETag of <c>GET /api/v1/models/{name}</c>.</summary>
public abstract class ModelsApiPatchTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Patch_IfMatchCurrentETag_ChangesDescriptionAndAnswersTheNewETag()
    {
        var name = await _client.CreateModelAsync("patch");
        var etag = await ETagAsync(name);

        using var response = await PatchAsync(name, new { description = "Scores card payments" }, etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Scores card payments", (await response.ReadJsonAsync()).GetProperty("description").GetString());
        var newETag = response.Headers.ETag?.Tag;
        Assert.NotNull(newETag);
        Assert.NotEqual(etag, newETag);
        Assert.Equal(newETag, await ETagAsync(name));
    }

    [Fact]
    public async Task Patch_IfMatchFromBeforeAnotherChange_Returns412AndKeepsTheOtherChange()
    {
        var name = await _client.CreateModelAsync("patch-stale");
        var read = await ETagAsync(name);
        (await PatchAsync(name, new { description = "written by someone else" }, read)).Dispose();

        using var response = await PatchAsync(name, new { description = "mine" }, read);

        Assert.Contains("changed since", await response.ReadProblemDetailAsync(HttpStatusCode.PreconditionFailed));
        Assert.Equal("written by someone else", await DescriptionAsync(name));
    }

    [Fact]
    public async Task ETag_AnyChangeToTheModel_Moves()
    {
        var name = await _client.CreateModelAsync("patch-etag");
        var etags = new List<string> { await ETagAsync(name) };
        await _client.UploadSampleAsync(name);
        etags.Add(await ETagAsync(name));
        (await _client.PostAsJsonAsync($"/api/v1/models/{name}/tags", new { key = "team", value = "risk" })).Dispose();
        etags.Add(await ETagAsync(name));
        (await _client.TransitionAsync(name, 1, "Staging")).Dispose();
        etags.Add(await ETagAsync(name));

        Assert.Equal(etags.Count, etags.Distinct().Count());
        using var stale = await PatchAsync(name, new { description = "x" }, etags[0]);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Theory]
    [InlineData("*", HttpStatusCode.OK)]
    [InlineData("W/\"1\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("\"999\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("\"not-a-revision\"", HttpStatusCode.PreconditionFailed)]
    public async Task Patch_IfMatchVariants_StrongComparison(string ifMatch, HttpStatusCode expected)
    {
        var name = await _client.CreateModelAsync("patch-variants");

        using var response = await PatchAsync(name, new { description = "d" }, ifMatch);

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Patch_IfMatchListWithTheCurrentETag_Applies()
    {
        var name = await _client.CreateModelAsync("patch-list");

        using var response = await PatchAsync(name, new { description = "d" }, $"\"999\", {await ETagAsync(name)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Patch_WithoutIfMatch_AppliesUnconditionally()
    {
        var name = await _client.CreateModelAsync("patch-unconditional");

        using var response = await PatchAsync(name, new { description = "d" }, ifMatch: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("d", await DescriptionAsync(name));
    }

    [Fact]
    public async Task Patch_EmptyDescription_ClearsIt()
    {
        using (var created = await _client.PostModelAsync(new { name = RegistryClient.UniqueName("patch-clear"), description = "old" }))
        {
            var name = (await created.ReadJsonAsync()).GetProperty("name").GetString()!;

            using var response = await PatchAsync(name, new { description = "" }, ifMatch: null);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(await DescriptionAsync(name));
        }
    }

    [Fact]
    public async Task Patch_NoDescription_Returns400SayingWhatToSend()
    {
        var name = await _client.CreateModelAsync("patch-empty-body");

        using var response = await PatchAsync(name, new { tags = new { team = "risk" } }, ifMatch: null);

        Assert.Contains("'description'", await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Patch_DescriptionTooLong_Returns400()
    {
        var name = await _client.CreateModelAsync("patch-long");

        using var response = await PatchAsync(name, new { description = new string('d', 5001) }, ifMatch: null);

        Assert.Contains("5000", await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Patch_UnknownModel_Returns404()
    {
        using var response = await PatchAsync(RegistryClient.UniqueName("ghost"), new { description = "d" }, "*");

        await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
    }

    private async Task<HttpResponseMessage> PatchAsync(string name, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/models/{name}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _client.SendAsync(request);
    }

    private async Task<string> ETagAsync(string name)
    {
        using var response = await _client.GetAsync($"/api/v1/models/{name}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag?.Tag ?? throw new Xunit.Sdk.XunitException("GET returned no ETag.");
    }

    private async Task<string?> DescriptionAsync(string name)
    {
        using var response = await _client.GetAsync($"/api/v1/models/{name}");
        var description = (await response.ReadJsonAsync()).GetProperty("description");
        return description.ValueKind == System.Text.Json.JsonValueKind.Null ? null : description.GetString();
    }

    public sealed class OnSqlite(RegistryFactory factory) : ModelsApiPatchTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : ModelsApiPatchTests(factory), IClassFixture<PostgresRegistryFactory>;
}
