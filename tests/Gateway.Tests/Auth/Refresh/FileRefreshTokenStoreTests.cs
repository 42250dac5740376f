using Maestro.Gateway.Auth.Refresh;
using Maestro.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Auth.Refresh;

/// <summary>The file store across a restart of the gateway: what was spent stays spent, what expired is dropped.</summary>
public sealed class FileRefreshTokenStoreTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("refresh-store");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T08:00:00Z"));

    [Fact]
    public async Task Redeem_AfterARestart_StillKnowsWhatWasUsedAndWhichFamiliesAreRevoked()
    {
        var first = new FileRefreshTokenStore(_directory, _time);
        await first.AddAsync(Token("used", "f1"), TimeSpan.FromDays(7), default);
        await first.AddAsync(Token("fresh", "f2"), TimeSpan.FromDays(7), default);
        Assert.True((await first.RedeemAsync("used", _time.GetUtcNow(), default))!.FirstUse);
        await first.RevokeFamilyAsync("f3", TimeSpan.FromDays(7), default);

        var restarted = new FileRefreshTokenStore(_directory, _time);

        Assert.False((await restarted.RedeemAsync("used", _time.GetUtcNow(), default))!.FirstUse);
        Assert.True((await restarted.RedeemAsync("fresh", _time.GetUtcNow(), default))!.FirstUse);
        Assert.True(await restarted.IsFamilyRevokedAsync("f3", default));
        Assert.False(await restarted.IsFamilyRevokedAsync("f2", default));
    }

    [Fact]
    public async Task Save_ExpiredTokensAndEndedRevocations_AreLeftOutOfTheFile()
    {
        var store = new FileRefreshTokenStore(_directory, _time);
        await store.AddAsync(Token("old", "f1"), TimeSpan.FromDays(7), default);
        await store.RevokeFamilyAsync("f1", TimeSpan.FromDays(7), default);

        _time.Advance(TimeSpan.FromDays(8));
        await store.AddAsync(Token("new", "f2"), TimeSpan.FromDays(7), default);

        var text = await File.ReadAllTextAsync(Path.Combine(_directory, FileRefreshTokenStore.FileName));
        Assert.DoesNotContain("\"old\"", text);
        Assert.DoesNotContain("f1", text);
        Assert.Contains("\"new\"", text);
    }

    [Fact]
    public async Task Constructor_CorruptFile_StopsNamingTheFile()
    {
        var path = Path.Combine(_directory, FileRefreshTokenStore.FileName);
        await File.WriteAllTextAsync(path, "{ \"tokens\": [");

        var error = Assert.Throws<InvalidOperationException>(() => new FileRefreshTokenStore(_directory, _time));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a valid refresh token file", error.Message);
    }

    private RefreshTokenRecord Token(string hash, string family) => new()
    {
        Hash = hash,
        KeyId = "key_test",
        KeyHash = "keyhash",
        Family = family,
        Created = _time.GetUtcNow(),
        Expires = _time.GetUtcNow() + TimeSpan.FromDays(7),
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
