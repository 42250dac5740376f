using System.Net;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary><c>POST /api/v1/models/{name}/versions/{version}/stage</c>.</summary>
public abstract class ModelsApiStageTests(RegistryFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("Staging", "Staging")]
    [InlineData("staging", "Staging")]
    [InlineData("PRODUCTION", "Production")]
    [InlineData("archived", "Archived")]
    [InlineData(" Production ", "Production")]
    public async Task TransitionStage_StageInAnyCase_MovesVersion(string requested, string expected)
    {
        var name = await _client.CreateModelAsync("stage");
        await _client.UploadSampleAsync(name);

        using var response = await _client.TransitionAsync(name, 1, requested);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, (await response.ReadJsonAsync()).GetProperty("current_stage").GetString());
        Assert.Equal(expected, await _client.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task TransitionStage_NoneInLowerCase_MovesVersionBackToNone()
    {
        var name = await _client.CreateModelAsync("stage-none");
        await _client.UploadSampleAsync(name);
        (await _client.TransitionAsync(name, 1, "Production")).Dispose();

        using var response = await _client.TransitionAsync(name, 1, "none");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("None", await _client.StageOfAsync(name, 1));
    }

    [Theory]
    [InlineData("Live")]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("+2")]
    [InlineData("Staging,Production")]
    public async Task TransitionStage_UnknownStage_Returns400NamingValidStages(string stage)
    {
        var name = await _client.CreateModelAsync("stage-bad");
        await _client.UploadSampleAsync(name);

        using var response = await _client.TransitionAsync(name, 1, stage);

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.BadRequest);
        Assert.Contains("None, Staging, Production, Archived", detail);
        Assert.Equal("None", await _client.StageOfAsync(name, 1));
    }

    [Fact]
    public async Task TransitionStage_WithoutArchiveExisting_KeepsOtherProductionVersions()
    {
        var name = await _client.CreateModelAsync("stage-keep");
        await _client.UploadSampleAsync(name);
        await _client.UploadSampleAsync(name);

        (await _client.TransitionAsync(name, 1, "Production")).Dispose();
        (await _client.TransitionAsync(name, 2, "Production")).Dispose();

        Assert.Equal("Production", await _client.StageOfAsync(name, 1));
        Assert.Equal("Production", await _client.StageOfAsync(name, 2));
    }

    [Fact]
    public async Task TransitionStage_ArchiveExistingVersions_ArchivesEveryOtherProductionVersion()
    {
        var name = await _client.CreateModelAsync("stage-archive");
        for (var i = 0; i < 4; i++)
        {
            await _client.UploadSampleAsync(name);
        }

        (await _client.TransitionAsync(name, 1, "Production")).Dispose();
        (await _client.TransitionAsync(name, 2, "Production")).Dispose();
        (await _client.TransitionAsync(name, 3, "Staging")).Dispose();

        using var response = await _client.TransitionAsync(name, 4, "Production", archiveExistingVersions: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Archived", await _client.StageOfAsync(name, 1));
        Assert.Equal("Archived", await _client.StageOfAsync(name, 2));
        Assert.Equal("Staging", await _client.StageOfAsync(name, 3));
        Assert.Equal("Production", await _client.StageOfAsync(name, 4));
    }

    [Fact]
    public async Task TransitionStage_ArchiveExistingIntoStaging_LeavesProductionAlone()
    {
        var name = await _client.CreateModelAsync("stage-archive-staging");
        await _client.UploadSampleAsync(name);
        await _client.UploadSampleAsync(name);
        (await _client.TransitionAsync(name, 1, "Production")).Dispose();

        using var response = await _client.TransitionAsync(name, 2, "Staging", archiveExistingVersions: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Production", await _client.StageOfAsync(name, 1));
        Assert.Equal("Staging", await _client.StageOfAsync(name, 2));
    }

    [Fact]
    public async Task TransitionStage_Promotion_UpdatesLastUpdatedTimestampOnly()
    {
        var name = await _client.CreateModelAsync("stage-time");
        var uploaded = await _client.UploadSampleAsync(name);
        factory.Time.Advance(TimeSpan.FromMinutes(5));

        using var response = await _client.TransitionAsync(name, 1, "Production");

        var version = await response.ReadJsonAsync();
        Assert.Equal(uploaded.GetProperty("creation_timestamp").GetInt64(), version.GetProperty("creation_timestamp").GetInt64());
        Assert.Equal(factory.Time.GetUtcNow().ToUnixTimeMilliseconds(), version.GetProperty("last_updated_timestamp").GetInt64());
    }

    [Fact]
    public async Task TransitionStage_UnknownVersion_Returns404()
    {
        var name = await _client.CreateModelAsync("stage-missing");

        using var response = await _client.TransitionAsync(name, 7, "Production");

        var detail = await response.ReadProblemDetailAsync(HttpStatusCode.NotFound);
        Assert.Contains("no version 7", detail);
    }

    public sealed class OnSqlite(RegistryFactory factory) : ModelsApiStageTests(factory), IClassFixture<RegistryFactory>;

    public sealed class OnPostgres(PostgresRegistryFactory factory) : ModelsApiStageTests(factory), IClassFixture<PostgresRegistryFactory>;
}
