using System.Net;
using System.Net.Http.Json;
using Maestro.Gateway.Abuse;
using Maestro.Gateway.Auth;
using Maestro.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Abuse;

/// <summary>
/// A brute force of keys from one address gets 429 once it has failed <see cref="ClientAddressGateway.Limit"/>
/// times in a window — before its next key is even looked at — on one instance (its clock held by the test)
/// and across replicas sharing a real Redis.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class AuthFailureLimitTests : IAsyncLifetime
{
    private const string Attacker = "203.0.113.7";
    private const string Bystander = "198.51.100.20";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private EchoBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await EchoBackend.StartAsync("backend");

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task BruteForce_OneInstance_429WithRetryAfterOnceTheLimitIsReached()
    {
        await using var gateway = ClientAddressGateway.Start(_backend, _clock);

        for (var i = 0; i < ClientAddressGateway.Limit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(gateway, Attacker, ApiKeySecret.Generate()));
        }

        using var refused = await gateway.Client.SendAsync(ClientAddressGateway.From(Attacker, "/api/v1/models", ApiKeySecret.Generate()));
        var detail = (await HttpAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString();
        Assert.Contains("Too many failed authentications", detail);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.Headers.RetryAfter?.Delta);
        // Not even the right key gets through from there: a blocked client's keys are never tried.
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(gateway, Attacker, GatewayHost.ApiKey));
        // Another address is not affected; neither are the attacker's requests without credentials.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Bystander, GatewayHost.ApiKey));
        using (var health = await gateway.Client.SendAsync(ClientAddressGateway.From(Attacker, "/health", apiKey: null)))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(45));
        using (var later = await gateway.Client.SendAsync(ClientAddressGateway.From(Attacker, "/api/v1/models", GatewayHost.ApiKey)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, later.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(15), later.Headers.RetryAfter?.Delta);
        }

        _clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Attacker, GatewayHost.ApiKey));
    }

    [Fact]
    public async Task BruteForce_BelowTheLimitWithinAWindow_NeverRefused()
    {
        await using var gateway = ClientAddressGateway.Start(_backend, _clock);

        for (var window = 0; window < 3; window++)
        {
            for (var i = 0; i < ClientAddressGateway.Limit - 1; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(gateway, Attacker, ApiKeySecret.Generate()));
            }

            Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Attacker, GatewayHost.ApiKey));
            _clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task Refresh_FailedRefreshesCountToo_429UnderTheAnonymousRoute()
    {
        await using var gateway = ClientAddressGateway.Start(_backend, _clock);

        for (var i = 0; i < ClientAddressGateway.Limit; i++)
        {
            using var failed = await gateway.Client.SendAsync(Refresh("mr_guessed-" + i));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var refused = await gateway.Client.SendAsync(Refresh("mr_one-more"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task BruteForce_V2Route_RefusedInTheV2ErrorShape()
    {
        await using var gateway = ClientAddressGateway.Start(_backend, _clock);
        for (var i = 0; i < ClientAddressGateway.Limit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(gateway, Attacker, ApiKeySecret.Generate(), "/v2/models/fraud"));
        }

        using var refused = await gateway.Client.SendAsync(ClientAddressGateway.From(Attacker, "/v2/models/fraud", ApiKeySecret.Generate()));

        Assert.Contains("Too many failed authentications", await HttpAssert.V2ErrorAsync(refused, HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Metrics_RefusedBruteForce_CountedAsLocal()
    {
        await using var gateway = ClientAddressGateway.Start(_backend, _clock);
        var before = PrometheusText.Sum(await MetricsAsync(gateway), "maestro_gateway_auth_failure_limited_total", "store=\"local\"");
        for (var i = 0; i < ClientAddressGateway.Limit + 3; i++)
        {
            await StatusAsync(gateway, Attacker, ApiKeySecret.Generate());
        }

        var after = PrometheusText.Sum(await MetricsAsync(gateway), "maestro_gateway_auth_failure_limited_total", "store=\"local\"");
        Assert.Equal(3, after - before);
    }

    [Fact]
    public async Task BruteForce_SpreadOverTwoReplicasOnRedis_RefusedEverywhereAfterAtMostOneExtraTry()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var a = ClientAddressGateway.Start(_backend, _clock, redis);
        await using var b = ClientAddressGateway.Start(_backend, _clock, redis);
        await WaitForRedisAsync(a);
        await WaitForRedisAsync(b);

        // Alternating replicas: the shared count reaches the limit on whichever replica sees the last failure.
        var tries = 0;
        while (await StatusAsync(tries % 2 == 0 ? a : b, Attacker, ApiKeySecret.Generate()) == HttpStatusCode.Unauthorized)
        {
            tries++;
            Assert.True(tries <= ClientAddressGateway.Limit + 1, $"{tries} failed tries and still not refused");
        }

        // The other replica refuses at its next failure at the latest; after that both refuse even the right key.
        await StatusAsync(a, Attacker, ApiKeySecret.Generate());
        await StatusAsync(b, Attacker, ApiKeySecret.Generate());
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(a, Attacker, GatewayHost.ApiKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(b, Attacker, GatewayHost.ApiKey));
        Assert.True(tries >= ClientAddressGateway.Limit - 1, $"refused after only {tries} failures");
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var ttl = await connection.GetDatabase().KeyTimeToLiveAsync(AuthFailureLimiter.KeyPrefix + Attacker);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        var shared = PrometheusText.Sum(await MetricsAsync(a), "maestro_gateway_auth_failure_limited_total", "store=\"shared\"");
        Assert.True(shared >= 1, "no refusal counted as shared");
    }

    [Fact]
    public async Task BruteForce_ThroughATrustedProxy_CountedAgainstTheForwardedClientNotTheProxy()
    {
        const string ingress = "10.1.2.3";
        await using var gateway = ClientAddressGateway.Start(_backend, _clock, trustedProxies: "10.0.0.0/8");

        for (var i = 0; i < ClientAddressGateway.Limit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await ViaAsync(gateway, ingress, Attacker, ApiKeySecret.Generate()));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await ViaAsync(gateway, ingress, Attacker, GatewayHost.ApiKey));
        // Every other client behind the same ingress still gets in.
        Assert.Equal(HttpStatusCode.OK, await ViaAsync(gateway, ingress, Bystander, GatewayHost.ApiKey));
    }

    [Fact]
    public async Task BruteForce_ForwardedForFromAnUntrustedAddress_IgnoredSoItCannotDodgeTheLimit()
    {
        await using var gateway = ClientAddressGateway.Start(_backend, _clock);

        for (var i = 0; i < ClientAddressGateway.Limit; i++)
        {
            // A new made-up X-Forwarded-For each time: with no proxy configured the header is not believed.
            Assert.Equal(HttpStatusCode.Unauthorized, await ViaAsync(gateway, Attacker, $"192.0.2.{i + 1}", ApiKeySecret.Generate()));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await ViaAsync(gateway, Attacker, "192.0.2.200", GatewayHost.ApiKey));
    }

    private static async Task<HttpStatusCode> ViaAsync(ClientAddressGateway gateway, string proxy, string forwardedFor, string key)
    {
        using var response = await gateway.Client.SendAsync(
            ClientAddressGateway.From(proxy, "/api/v1/models", key, forwardedFor: forwardedFor));
        return response.StatusCode;
    }

    private static HttpRequestMessage Refresh(string token)
    {
        var request = ClientAddressGateway.From(Attacker, "/auth/refresh", apiKey: null, HttpMethod.Post);
        request.Content = JsonContent.Create(new { refresh_token = token });
        return request;
    }

    private static async Task<HttpStatusCode> StatusAsync(ClientAddressGateway gateway, string address, string key, string path = "/api/v1/models")
    {
        using var response = await gateway.Client.SendAsync(ClientAddressGateway.From(address, path, key));
        return response.StatusCode;
    }

    private static async Task<string> MetricsAsync(ClientAddressGateway gateway)
    {
        using var response = await gateway.Client.SendAsync(ClientAddressGateway.From(Bystander, "/metrics", GatewayHost.ApiKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task WaitForRedisAsync(ClientAddressGateway gateway)
    {
        var redis = gateway.Services.GetRequiredService<Maestro.ServiceDefaults.RedisConnection>();
        await redis.GetMultiplexerAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(redis.Database);
    }
}
