using System.Net;
using System.Net.Http.Json;
using Maestro.Gateway.Auth;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Auth;

/// <summary>Redis, the key store, stops under a running gateway: known keys keep working, nothing answers 500.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private const string PredictPath = "/api/v1/models/fraud/predict";

    private RedisServer _redis = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _gateway = new ConfiguredGatewayHost(new Dictionary<string, string> { ["ConnectionStrings:redis"] = _redis.ConnectionString });
        await _gateway.InitializeAsync();
    }

    [Fact]
    public async Task RedisStopped_KnownKeyKeepsWorkingAndTheRestAnswers503()
    {
        var known = await ApiKeyAdmin.CreateAsync(_gateway.Client, "known", [Scopes.Predict]);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(known.Key));

        await _redis.StopAsync();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(known.Key));
        using var unseen = await _gateway.Client.SendAsync(ApiKeyAdmin.WithKey(HttpMethod.Post, PredictPath, ApiKeySecret.Generate()));
        var problem = await HttpAssert.ProblemAsync(unseen, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("retry", problem.GetProperty("detail").GetString());
        Assert.NotNull(unseen.Headers.RetryAfter);
        using var create = GatewayHost.Authenticated(HttpMethod.Post, "/admin/api-keys");
        create.Content = JsonContent.Create(new { name = "during-outage", scopes = new[] { Scopes.Predict } });
        await HttpAssert.ProblemAsync(await _gateway.Client.SendAsync(create), HttpStatusCode.ServiceUnavailable);
        await HttpAssert.ProblemAsync(await _gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/admin/api-keys")), HttpStatusCode.ServiceUnavailable);
        using var v2 = await _gateway.Client.SendAsync(ApiKeyAdmin.WithKey(HttpMethod.Post, "/v2/models/fraud/infer", ApiKeySecret.Generate()));
        await HttpAssert.V2ErrorAsync(v2, HttpStatusCode.ServiceUnavailable);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private Task<HttpStatusCode> StatusAsync(string key) =>
        ApiKeyAdmin.StatusAsync(_gateway.Client, ApiKeyAdmin.WithKey(HttpMethod.Post, PredictPath, key));
}
