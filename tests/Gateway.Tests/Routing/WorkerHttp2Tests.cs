using System.Net;
using Maestro.Testing;

namespace Maestro.Gateway.Tests.Routing;

/// <summary>
/// With <c>Gateway:Routing:WorkerHttp2</c> the gateway calls the workers over HTTP/2 without TLS on
/// their <c>h2c</c> endpoints (<c>services__worker__h2c__N</c>): endpoints that speak nothing else.
/// Everything else — the registry, and the workers without the setting — stays HTTP/1.1.
/// </summary>
public sealed class WorkerHttp2Tests : IAsyncLifetime
{
    private EchoBackend _registry = null!;
    private EchoBackend _http2Worker0 = null!;
    private EchoBackend _http2Worker1 = null!;

    public async Task InitializeAsync()
    {
        _registry = await EchoBackend.StartAsync("registry");
        _http2Worker0 = await EchoBackend.StartAsync("worker-0", http2Only: true);
        _http2Worker1 = await EchoBackend.StartAsync("worker-1", http2Only: true);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _http2Worker0.DisposeAsync();
        await _http2Worker1.DisposeAsync();
    }

    [Fact]
    public async Task Predict_WorkerHttp2On_ForwardedOverHttp2ToEveryReplica()
    {
        await using var gateway = await Http2GatewayHost.StartAsync(_registry, workerHttp2: true, _http2Worker0, _http2Worker1);

        var backends = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            var echo = await gateway.EchoAsync(GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud/predict"));
            Assert.Equal("HTTP/2", echo.Protocol);
            Assert.Equal("/api/v1/models/fraud/predict", echo.Path);
            backends.Add(echo.Backend);
        }

        Assert.Equal(["worker-0", "worker-1"], backends.Order());
        // V2 routes are the workers' too; the registry keeps HTTP/1.1.
        Assert.Equal("HTTP/2", (await gateway.EchoAsync(GatewayHost.Authenticated(HttpMethod.Get, "/v2/models/fraud"))).Protocol);
        Assert.Equal("HTTP/1.1", (await gateway.EchoAsync(GatewayHost.Authenticated(HttpMethod.Get, "/api/v1/models/fraud"))).Protocol);
    }

    [Fact]
    public async Task Predict_WorkerHttp2Off_HttpOneEndpointsOnly()
    {
        // Without the setting the gateway neither uses the h2c endpoints nor speaks HTTP/2.
        await using var http1Worker = await EchoBackend.StartAsync("worker-http1");
        await using var gateway = await Http2GatewayHost.StartAsync(_registry, workerHttp2: false, _http2Worker0, _http2Worker1, http1Worker);

        var echo = await gateway.EchoAsync(GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud/predict"));

        Assert.Equal("worker-http1", echo.Backend);
        Assert.Equal("HTTP/1.1", echo.Protocol);
    }

    [Fact]
    public async Task Predict_WorkerHttp2OnButOnlyHttp1Workers_AnswersBadGatewayNotA500()
    {
        // A worker that does not speak HTTP/2 on the configured endpoint is a misconfiguration the gateway reports as upstream failure.
        await using var http1Worker = await EchoBackend.StartAsync("worker-http1");
        await using var gateway = await Http2GatewayHost.StartAsync(_registry, workerHttp2: true, [http1Worker], []);

        using var response = await gateway.Client.SendAsync(GatewayHost.Authenticated(HttpMethod.Post, "/api/v1/models/fraud/predict"));

        Assert.Contains("worker", await HttpAssert.ProblemDetailAsync(response, HttpStatusCode.BadGateway));
    }

    /// <summary>A gateway whose workers are listed under <c>h2c</c> (and, optionally, HTTP/1.1 ones under <c>http</c>).</summary>
    private sealed class Http2GatewayHost : GatewayHost, IAsyncDisposable
    {
        public static Task<Http2GatewayHost> StartAsync(EchoBackend registry, bool workerHttp2, EchoBackend h2c0, EchoBackend h2c1, EchoBackend? http = null) =>
            StartAsync(registry, workerHttp2, [h2c0, h2c1], http is null ? [] : [http]);

        public static Task<Http2GatewayHost> StartAsync(EchoBackend registry, bool workerHttp2, EchoBackend[] h2c, EchoBackend[] http)
        {
            var host = new Http2GatewayHost();
            host.Settings["Gateway:Routing:WorkerHttp2"] = workerHttp2 ? "true" : "false";
            for (var i = 0; i < h2c.Length; i++)
            {
                host.Settings[$"services:worker:h2c:{i}"] = h2c[i].Address;
            }

            host.Start(registry.Address, workerHttp2 && http.Length == 0 ? h2c.Select(w => w.Address).ToArray() : http.Select(w => w.Address).ToArray());
            return Task.FromResult(host);
        }

        public override Task InitializeAsync() => Task.CompletedTask;

        ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
    }
}
