namespace Maestro.Cli.Tests.Commands;

[Collection(PlatformCollection.Name)]
public sealed class KeysCommandsTests(MaestroPlatform platform) : IDisposable
{
    private readonly CliRun _cli = new();

    [Fact]
    public async Task CreateListRevoke_Key_IsRefusedOnceRevoked()
    {
        await _cli.LoginAsync(platform);
        var created = await _cli.JsonAsync("keys", "create", "cli-scorer", "--scope", "predict");
        var (id, key) = (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);

        var listed = await _cli.JsonAsync("keys", "list");
        var before = await _cli.RunAsync("predict", "fraud-detector", "0.5", "1.2", "3.4", "--key", key);
        var revoke = await _cli.RunAsync("keys", "revoke", id);
        var after = await _cli.RunAsync("predict", "fraud-detector", "0.5", "1.2", "3.4", "--key", key);

        Assert.StartsWith("mk_", key);
        var summary = Assert.Single(listed.GetProperty("api_keys").EnumerateArray(), k => k.GetProperty("id").GetString() == id);
        Assert.False(summary.TryGetProperty("key", out _));
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("revoked", after.Error);
    }

    [Fact]
    public async Task Predict_KeyOverItsQuota_WaitsForRetryAfterAndSucceeds()
    {
        await _cli.LoginAsync(platform);
        var created = await _cli.JsonAsync("keys", "create", "cli-quota", "--scope", "predict", "--requests-per-minute", "12", "--burst", "1");
        var key = created.GetProperty("key").GetString()!;

        // The bucket holds one request and refills one every 5 s: the second run is refused and waits, however slow the machine is.
        var results = new List<CliResult>();
        for (var i = 0; i < 2; i++)
        {
            results.Add(await _cli.RunAsync("predict", "fraud-detector", "0.5", "1.2", "3.4", "--key", key));
        }

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Contains(results, r => r.Error.Contains("429", StringComparison.Ordinal) && r.Error.Contains("retrying in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_UnknownScope_Exits1WithTheGatewaysReason()
    {
        await _cli.LoginAsync(platform);

        var result = await _cli.RunAsync("keys", "create", "bad", "--scope", "everything");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Unknown scope 'everything'", result.Error);
    }

    public void Dispose() => _cli.Dispose();
}
