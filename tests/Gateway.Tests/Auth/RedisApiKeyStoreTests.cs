using System.Diagnostics;
using System.Net;
using Maestro.Gateway.Auth;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>Keys shared by two gateway replicas through a real Redis.</summary>
public sealed class RedisApiKeyStoreTests(RedisGatewayPair replicas, ITestOutputHelper output) : IClassFixture<RedisGatewayPair>
{
    private const string PredictPath = "/api/v1/models/fraud/predict";

    [Fact]
    public async Task Revoke_OnOneReplica_TheOtherRefusesTheKey()
    {
        var key = await ApiKeyAdmin.CreateAsync(replicas.First.Client, "shared", [Scopes.Predict]);
        // Both replicas have seen (and cached) the key before it is revoked.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(replicas.First, key.Key));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(replicas.Second, key.Key));

        var revokedAt = Stopwatch.StartNew();
        (await ApiKeyAdmin.RevokeAsync(replicas.First.Client, key.Id)).Dispose();

        var status = HttpStatusCode.OK;
        var deadline = TimeSpan.FromSeconds(30);
        while (revokedAt.Elapsed < deadline && (status = await StatusAsync(replicas.Second, key.Key)) == HttpStatusCode.OK)
        {
            await Task.Delay(20);
        }

        output.WriteLine($"The other replica refused the revoked key after {revokedAt.ElapsedMilliseconds} ms.");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(replicas.First, key.Key));
    }

    [Fact]
    public async Task Revoke_OnOneReplica_TokensOfTheKeyRefusedByTheOther()
    {
        var key = await ApiKeyAdmin.CreateAsync(replicas.First.Client, "token-shared", [Scopes.Predict]);
        var token = (await ApiKeyAdmin.TokenAsync(replicas.First.Client, key.Key)).AccessToken;
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(replicas.Second, token));

        (await ApiKeyAdmin.RevokeAsync(replicas.First.Client, key.Id)).Dispose();

        var status = HttpStatusCode.OK;
        for (var attempt = 0; attempt < 1500 && (status = await TokenStatusAsync(replicas.Second, token)) == HttpStatusCode.OK; attempt++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Create_OnOneReplica_UsableAndListedOnTheOther()
    {
        var key = await ApiKeyAdmin.CreateAsync(replicas.First.Client, "from-first", [Scopes.Predict]);

        var echo = await replicas.Second.EchoAsync(ApiKeyAdmin.WithKey(HttpMethod.Post, PredictPath, key.Key));

        Assert.Equal(key.Id, echo.Caller);
        Assert.Contains((await ApiKeyAdmin.ListAsync(replicas.Second.Client)).List.ApiKeys, k => k.Id == key.Id);
    }

    [Fact]
    public async Task Create_KeyInRedis_OnlyItsHashIsStored()
    {
        var key = await ApiKeyAdmin.CreateAsync(replicas.First.Client, "hashed", [Scopes.Predict]);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(replicas.Redis.ConnectionString);
        var stored = await redis.GetDatabase().HashGetAllAsync(RedisApiKeyStore.RecordsByHash);
        var entry = Assert.Single(stored, e => e.Value.ToString().Contains(key.Id, StringComparison.Ordinal));
        Assert.Equal(ApiKeySecret.Hash(key.Key), entry.Name.ToString());
        Assert.All(stored, e => Assert.DoesNotContain(key.Key, e.Value.ToString()));
        Assert.All(stored, e => Assert.DoesNotContain(key.Key, e.Name.ToString()));
    }

    private static Task<HttpStatusCode> TokenStatusAsync(GatewayHost gateway, string token) =>
        ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithToken(HttpMethod.Post, PredictPath, token));

    private static Task<HttpStatusCode> StatusAsync(GatewayHost gateway, string key) =>
        ApiKeyAdmin.StatusAsync(gateway.Client, ApiKeyAdmin.WithKey(HttpMethod.Post, PredictPath, key));
}
