using System.Net.Http.Json;

namespace Maestro.Cli.Tests.Commands;

[Collection(PlatformCollection.Name)]
public sealed class ModelsCommandsTests(MaestroPlatform platform) : IDisposable
{
    private readonly CliRun _cli = new();

    [Fact]
    public async Task CreateThenShow_Table_ShowsDescriptionAndTags()
    {
        await _cli.LoginAsync(platform);
        var name = "cli-model-" + Guid.NewGuid().ToString("N")[..8];

        var created = await _cli.RunAsync("models", "create", name, "--description", "made by the CLI", "--tag", "team=risk");
        var shown = await _cli.RunAsync("models", "show", name);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains(name, created.Out);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("made by the CLI", shown.Out);
        Assert.Contains("team=risk", shown.Out);
    }

    [Fact]
    public async Task List_250Models_FollowsEveryPage()
    {
        await _cli.LoginAsync(platform);
        var prefix = "cli-page-" + Guid.NewGuid().ToString("N")[..8];
        using var http = new HttpClient { BaseAddress = new Uri(platform.Url) };
        http.DefaultRequestHeaders.Add("X-API-Key", platform.ApiKey);
        for (var i = 0; i < 250; i++)
        {
            using var response = await http.PostAsJsonAsync("/api/v1/models", new { name = $"{prefix}-{i:000}" });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var listed = await _cli.JsonAsync("models", "list", "--filter", $"name LIKE '{prefix}-%'", "--page-size", "100");
        var table = await _cli.RunAsync("models", "list", "--filter", $"name LIKE '{prefix}-%'", "--page-size", "100");

        var names = listed.EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Equal(250, names.Count);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"{prefix}-{i:000}"), names.Order());
        Assert.Equal(250 + 2, table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Show_MissingModel_Exits1With404Reason()
    {
        await _cli.LoginAsync(platform);

        var result = await _cli.RunAsync("models", "show", "no-such-model-anywhere");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("404", result.Error);
        Assert.Contains("no-such-model-anywhere", result.Error);
    }

    [Fact]
    public async Task Create_TagWithoutEquals_Exits1SayingSo()
    {
        await _cli.LoginAsync(platform);

        var result = await _cli.RunAsync("models", "create", "whatever", "--tag", "team");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("key=value", result.Error);
    }

    public void Dispose() => _cli.Dispose();
}
