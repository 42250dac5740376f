using System.Net;
using System.Text.Json;
using Maestro.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>
/// One real gateway instance with quotas, in memory: Redis (when given) for the shared count, a plan
/// <c>test</c> of 60 requests per minute in bursts of 3, its clock (the gateway's one
/// <see cref="TimeProvider"/>) held still by the test, so refill never blurs a count and Redis is skipped
/// after a failure until the test moves the clock past the break, callers named per request (<see cref="TestCallerClaims"/>) and every
/// route served by one echo backend. Several instances on one Redis are several gateway replicas.
/// A decision waits up to 10 s for Redis: on a loaded machine the production 250 ms could turn a shared
/// decision into a local one, and the tests count exactly. (Redis down is noticed at once: its
/// connection closes.) Redis is skipped for 0.2 s after a failure.
/// </summary>
internal sealed class QuotaGateway : IAsyncDisposable
{
    public const string TestPlan = "test";

    private readonly WebApplicationFactory<Program> _factory;

    private QuotaGateway(WebApplicationFactory<Program> factory)
    {
        _factory = factory;
        Client = factory.CreateClient();
    }

    public HttpClient Client { get; }

    public static QuotaGateway Start(EchoBackend backend, RedisServer? redis, FakeTimeProvider clock, params (string Key, string Value)[] settings)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Gateway:Auth:DevApiKey", GatewayHost.ApiKey);
            builder.UseSetting("services:registry:http:0", backend.Address);
            builder.UseSetting("services:worker:http:0", backend.Address);
            builder.UseSetting($"Gateway:Quotas:Plans:{TestPlan}:RequestsPerMinute", "60");
            builder.UseSetting($"Gateway:Quotas:Plans:{TestPlan}:Burst", "3");
            builder.UseSetting("Gateway:Quotas:RedisBreakDuration", "00:00:00.2");
            builder.UseSetting("Gateway:Quotas:RedisTimeout", "00:00:10");
            if (redis is not null)
            {
                builder.UseSetting("ConnectionStrings:redis", redis.ConnectionString);
            }

            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services =>
            {
                services.AddHttpContextAccessor();
                services.AddSingleton<IClaimsTransformation, TestCallerClaims>();
                services.AddSingleton<TimeProvider>(clock);
            });
        });
        return new QuotaGateway(factory);
    }

    /// <summary>A request from the caller described as in <see cref="TestCallerClaims"/>.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string caller)
    {
        var request = GatewayHost.Authenticated(method, path);
        request.Headers.Add(TestCallerClaims.Header, caller);
        return request;
    }

    public static HttpRequestMessage Predict(string caller, string path = "/api/v1/models/fraud/predict")
    {
        var request = Request(HttpMethod.Post, path, caller);
        request.Content = new StringContent("""{"features": [0.5, 1.2, 3.4]}""", System.Text.Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>The status of the <c>redis</c> entry of <c>/health</c>, once it is <paramref name="expected"/> (bounded poll).</summary>
    public async Task<JsonElement> WaitForRedisHealthAsync(string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await Client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var redis = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "redis");
            if (redis.GetProperty("status").GetString() == expected)
            {
                return redis.Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, $"Redis health stayed {redis}; expected {expected}.");
            await Task.Delay(100);
        }
    }

    public async Task<string> MetricsAsync()
    {
        using var response = await Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
