using Maestro.Gateway.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>Last-used times reach the store in batches, never once per request.</summary>
public sealed class ApiKeyUsageRecorderTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-23T08:00:00Z"));
    private readonly ObservedApiKeyStore _store = new(new FileApiKeyStore(dataDirectory: null));
    private readonly ApiKeyUsageRecorder _recorder;

    public ApiKeyUsageRecorderTests() =>
        _recorder = new ApiKeyUsageRecorder(_store, Options.Create(new GatewayAuthOptions()), _time, NullLogger<ApiKeyUsageRecorder>.Instance);

    [Fact]
    public async Task FlushAsync_ThousandsOfRequests_OneBatchWithEachKeysLatestTime()
    {
        for (var i = 0; i < 3000; i++)
        {
            _recorder.Record($"key_{i % 3}");
            _time.Advance(TimeSpan.FromMilliseconds(2));
        }

        await _recorder.FlushAsync(default);

        var batch = Assert.Single(_store.UsageBatches);
        Assert.Equal(["key_0", "key_1", "key_2"], batch.Keys.Order());
        Assert.All(batch.Values, at => Assert.True(_time.GetUtcNow() - at <= TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task FlushAsync_NothingUsed_StoreNotAsked()
    {
        await _recorder.FlushAsync(default);

        Assert.Empty(_store.UsageBatches);
    }

    [Fact]
    public async Task FlushAsync_StoreDown_KeptForTheNextFlush()
    {
        _recorder.Record("key_a");
        _store.Down = true;
        await _recorder.FlushAsync(default);
        _store.Down = false;

        await _recorder.FlushAsync(default);

        Assert.Equal("key_a", Assert.Single(Assert.Single(_store.UsageBatches).Keys));
    }
}
