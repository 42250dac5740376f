using System.Net;
using System.Text;
using System.Text.Json;
using Maestro.Gateway.Quotas;
using Maestro.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.Gateway.Tests.Quotas;

/// <summary>One gateway with Redis and plan <c>test</c> (60 per minute, bursts of 3), quota clock held still.</summary>
public sealed class QuotaGatewayFixture : IAsyncLifetime
{
    private RedisFixture _redis = new();

    internal EchoBackend Backend { get; private set; } = null!;

    internal QuotaGateway Gateway { get; private set; } = null!;

    internal RedisFixture Redis => _redis;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        Backend = await EchoBackend.StartAsync("backend");
        Gateway = QuotaGateway.Start(Backend, _redis.Server, new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(1)));
        await Gateway.WaitForRedisHealthAsync("Healthy");
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        await _redis.DisposeAsync();
    }
}

/// <summary>What a caller with a quota sees: headers, 429s, batch costs — and who has no quota.</summary>
public sealed class QuotaGatewayTests(QuotaGatewayFixture fixture) : IClassFixture<QuotaGatewayFixture>
{
    private QuotaGateway Gateway => fixture.Gateway;

    private static string Caller(string plan = QuotaGateway.TestPlan) => $"key={Guid.NewGuid():N};plan={plan}";

    [Fact]
    public async Task Predict_WithinQuota_CarriesRateLimitHeadersCountingDown()
    {
        var caller = Caller();
        for (var i = 1; i <= 3; i++)
        {
            using var response = await Gateway.Client.SendAsync(QuotaGateway.Predict(caller));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("\"test\";q=3;w=3", Single(response, "RateLimit-Policy"));
            Assert.Equal($"\"test\";r={3 - i};t={i}", Single(response, "RateLimit"));
        }
    }

    [Fact]
    public async Task Predict_QuotaUsedUp_Is429ProblemWithRetryAfterAndHeaders()
    {
        var caller = Caller();
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await Gateway.Client.SendAsync(QuotaGateway.Predict(caller));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var response = await Gateway.Client.SendAsync(QuotaGateway.Predict(caller));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Contains("plan 'test'", problem.GetProperty("detail").GetString());
        Assert.Contains("retry in 1 s", problem.GetProperty("detail").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.Equal("\"test\";r=0;t=3", Single(response, "RateLimit"));
        Assert.Equal("\"test\";q=3;w=3", Single(response, "RateLimit-Policy"));
    }

    [Fact]
    public async Task V2Infer_QuotaUsedUp_Is429WithV2ErrorBody()
    {
        var caller = $"key={Guid.NewGuid():N};rate=60:1";
        using (var first = await Gateway.Client.SendAsync(QuotaGateway.Predict(caller, "/v2/models/fraud/infer")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("\"custom\";q=1;w=1", Single(first, "RateLimit-Policy"));
        }

        using var response = await Gateway.Client.SendAsync(QuotaGateway.Predict(caller, "/v2/models/fraud/infer"));

        var error = await HttpAssert.V2ErrorAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Contains("quota", error);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Predict_KeyOverride_WinsOverThePlan()
    {
        var caller = $"key={Guid.NewGuid():N};plan={QuotaGateway.TestPlan};rate=600:5";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await Gateway.Client.SendAsync(QuotaGateway.Predict(caller));
            statuses.Add(response.StatusCode);
            if (i == 0)
            {
                Assert.Equal("\"custom\";q=5;w=1", Single(response, "RateLimit-Policy"));
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Predict_NoPlanClaim_GetsTheFreePlan()
    {
        using var response = await Gateway.Client.SendAsync(QuotaGateway.Predict($"key={Guid.NewGuid():N}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"free\";q=20;w=20", Single(response, "RateLimit-Policy"));
    }

    [Fact]
    public async Task Predict_UnknownPlan_GetsTheDefaultPlanNotNoLimit()
    {
        using var response = await Gateway.Client.SendAsync(QuotaGateway.Predict(Caller("platinum")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"free\";q=20;w=20", Single(response, "RateLimit-Policy"));
    }

    [Fact]
    public async Task Predict_UnlimitedPlanAndDevKey_AreNeverLimitedAndGetNoHeaders()
    {
        var caller = Caller(QuotaOptions.UnlimitedPlan);
        for (var i = 0; i < 10; i++)
        {
            using var unlimited = await Gateway.Client.SendAsync(QuotaGateway.Predict(caller));
            Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
            Assert.False(unlimited.Headers.Contains("RateLimit"));

            using var dev = GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models");
            using var devResponse = await Gateway.Client.SendAsync(dev);
            Assert.Equal(HttpStatusCode.OK, devResponse.StatusCode);
            Assert.False(devResponse.Headers.Contains("RateLimit-Policy"));
        }
    }

    [Fact]
    public async Task DevKey_PlanConfigured_IsCountedOnThatPlan()
    {
        await using var gateway = QuotaGateway.Start(fixture.Backend, fixture.Redis.Server,
            new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(3)), ("Gateway:Auth:DevKeyPlan", QuotaGateway.TestPlan));
        await fixture.Redis.Database.KeyDeleteAsync(RedisTokenBuckets.KeyFor("dev-admin"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task PublicRoutes_CallerWithQuota_AreNotCounted()
    {
        var caller = Caller();
        for (var i = 0; i < 5; i++)
        {
            foreach (var path in new[] { "/", "/health", "/v2/health/ready" })
            {
                using var response = await Gateway.Client.SendAsync(QuotaGateway.Request(HttpMethod.Get, path, caller));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.False(response.Headers.Contains("RateLimit"), path);
            }
        }

        // The whole burst is still there.
        using var predict = await Gateway.Client.SendAsync(QuotaGateway.Predict(caller));
        Assert.Equal("\"test\";r=2;t=1", Single(predict, "RateLimit"));
    }

    [Fact]
    public async Task BatchPredict_CostsOneTokenPerItem_AndReachesTheWorkerWhole()
    {
        var caller = $"key={Guid.NewGuid():N};rate=60:12";
        var body = Batch(5);

        using (var first = await SendBatchAsync(caller, body))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("\"custom\";r=7;t=5", Single(first, "RateLimit"));
            var echo = JsonSerializer.Deserialize<Echo>(await first.Content.ReadAsStringAsync(), GatewayHost.Json)!;
            Assert.Equal(body, echo.Body);
            Assert.EndsWith("/batch_predict", echo.Path);
        }

        using (var second = await SendBatchAsync(caller, body, chunked: true))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("\"custom\";r=2;t=10", Single(second, "RateLimit"));
        }

        // Five more items need three tokens more than the two left.
        using var refused = await SendBatchAsync(caller, body);
        await HttpAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);

        // A body that cannot be counted costs one token (the worker answers for the body).
        using var garbage = await SendBatchAsync(caller, "{\"requests\": [oops");
        Assert.Equal(HttpStatusCode.OK, garbage.StatusCode);
        Assert.Equal("\"custom\";r=1;t=11", Single(garbage, "RateLimit"));
    }

    [Fact]
    public async Task BatchPredict_MoreItemsThanTheBurst_Is429SayingHowManyFit()
    {
        using var response = await SendBatchAsync(Caller(), Batch(4));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Contains("at most 3 items", problem.GetProperty("detail").GetString());
        Assert.Null(response.Headers.RetryAfter);
    }

    private static string Batch(int items) =>
        JsonSerializer.Serialize(new { requests = Enumerable.Range(0, items).Select(i => new { features = new[] { i, 1.5, 2.5 } }) });

    private Task<HttpResponseMessage> SendBatchAsync(string caller, string body, bool chunked = false)
    {
        var request = QuotaGateway.Request(HttpMethod.Post, "/api/v1/models/fraud/batch_predict", caller);
        if (chunked)
        {
            request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.TransferEncodingChunked = true;
        }
        else
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return Gateway.Client.SendAsync(request);
    }

    private static string Single(HttpResponseMessage response, string header) =>
        Assert.Single(response.Headers.GetValues(header));
}
