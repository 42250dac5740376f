using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maestro.RegistryService.Tests.Apis;

/// <summary>
/// Change-feed retention as a follower of <c>GET /api/v1/changes</c> sees it: pruned in the background
/// on the registry's clock, and a <c>since</c> older than what is kept answered with
/// <c>behind_window: true</c> (and the rest of the page as before, so older clients keep working).
/// </summary>
public abstract class ChangeFeedRetentionTests(StoreBackend backend) : IAsyncLifetime
{
    private readonly RetentionRegistryFactory _factory = new(backend);
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Changes_SinceOlderThanTheRetentionWindow_SaysBehindWindowAndListsWhatIsKept()
    {
        var old = await _client.CreateModelAsync("retention-old");
        await _client.UploadSampleAsync(old);
        var seen = (await ChangesAsync(0)).GetProperty("last_sequence").GetInt64();
        (await _client.TransitionAsync(old, 1, "Production")).Dispose();

        _factory.Time.Advance(TimeSpan.FromDays(8));
        var recent = await _client.CreateModelAsync("retention-new");
        await _client.UploadSampleAsync(recent);
        var page = await WaitUntilPrunedAsync();

        Assert.True(page.GetProperty("behind_window").GetBoolean());
        var prunedThrough = page.GetProperty("pruned_through").GetInt64();
        Assert.True(prunedThrough > seen, "the promotion made after 'seen' was pruned too");
        Assert.Equal([recent], page.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("model").GetString()));

        var behind = await ChangesAsync(seen);
        Assert.True(behind.GetProperty("behind_window").GetBoolean(), "a follower at 'seen' missed the promotion and must be told");
        var current = await ChangesAsync(prunedThrough);
        Assert.False(current.GetProperty("behind_window").GetBoolean());
        Assert.Equal(page.GetProperty("last_sequence").GetInt64(), current.GetProperty("last_sequence").GetInt64());
    }

    [Fact]
    public async Task Changes_NothingPruned_BehindWindowIsFalse()
    {
        var name = await _client.CreateModelAsync("retention-none");
        await _client.UploadSampleAsync(name);

        var page = await ChangesAsync(0);

        Assert.False(page.GetProperty("behind_window").GetBoolean());
        Assert.Equal(0, page.GetProperty("pruned_through").GetInt64());
    }

    private async Task<JsonElement> ChangesAsync(long since) =>
        await _client.GetFromJsonAsync<JsonElement>($"/api/v1/changes?since={since}");

    private async Task<JsonElement> WaitUntilPrunedAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var page = await ChangesAsync(0);
            if (page.GetProperty("pruned_through").GetInt64() > 0)
            {
                return page;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "retention did not prune within 30 s of the clock moving 8 days on");
            await Task.Delay(50);
        }
    }

    /// <summary>The default retention (7 days), pruning every minute of the registry's fake clock.</summary>
    private sealed class RetentionRegistryFactory : RegistryFactory
    {
        public RetentionRegistryFactory(StoreBackend backend)
            : base(backend) => Settings["Registry:ChangeFeed:Retention:Interval"] = "00:01:00";
    }

    public sealed class OnSqlite() : ChangeFeedRetentionTests(StoreBackend.Sqlite);

    public sealed class OnPostgres() : ChangeFeedRetentionTests(StoreBackend.Postgres);
}
