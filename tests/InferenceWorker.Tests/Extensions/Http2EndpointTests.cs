using System.Net;
using Maestro.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Maestro.InferenceWorker.Tests.Extensions;

/// <summary>
/// <c>Worker:Http2Port</c> makes that one of the worker's addresses speak HTTP/2 without TLS (prior
/// knowledge) for the gateway; the others stay HTTP/1.1 for probes, scrapers and people. On a real
/// Kestrel, since protocols are a property of its sockets.
/// </summary>
public sealed class Http2EndpointTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory("worker-http2");

    [Fact]
    public async Task Http2Port_Set_ThatAddressSpeaksHttp2OnlyAndTheOtherHttp1()
    {
        var (http1, http2) = (FreePorts.Next(), FreePorts.Next());
        await using var worker = Worker(http1, http2, http2Port: http2);

        using var client = new HttpClient();
        using var overHttp2 = await client.SendAsync(Alive(http2, HttpVersion.Version20));
        Assert.Equal(HttpStatusCode.OK, overHttp2.StatusCode);
        Assert.Equal(HttpVersion.Version20, overHttp2.Version);

        using var overHttp1 = await client.SendAsync(Alive(http1, HttpVersion.Version11));
        Assert.Equal(HttpStatusCode.OK, overHttp1.StatusCode);
        Assert.Equal(HttpVersion.Version11, overHttp1.Version);

        // HTTP/1.1 on the HTTP/2 address is refused by the server, not served.
        using var wrong = await client.SendAsync(Alive(http2, HttpVersion.Version11));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
    }

    [Fact]
    public async Task Http2Port_AnswerWithoutReadingTheBody_TheWholeBodyIsStillTakenNotReset()
    {
        // The gateway streams a body while the worker has already answered (here a GET that needs none):
        // a reset stream would fail that upload half-way, and the gateway would turn the answer into a 502.
        var (http1, http2) = (FreePorts.Next(), FreePorts.Next());
        await using var worker = Worker(http1, http2, http2Port: http2);
        using var client = new HttpClient();
        var body = new SlowBody(chunks: 40, chunkBytes: 8192, pause: TimeSpan.FromMilliseconds(10));
        using var request = Alive(http2, HttpVersion.Version20);
        request.Content = body;

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsStringAsync();

        var sent = await body.Finished.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(40 * 8192, sent);
    }

    [Fact]
    public async Task Http2Port_NotSet_EveryAddressHttp1()
    {
        var (first, second) = (FreePorts.Next(), FreePorts.Next());
        await using var worker = Worker(first, second, http2Port: null);

        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Alive(second, HttpVersion.Version20)));
        using var overHttp1 = await client.SendAsync(Alive(second, HttpVersion.Version11));
        Assert.Equal(HttpStatusCode.OK, overHttp1.StatusCode);
    }

    private WebApplicationFactory<Program> Worker(int first, int second, int? http2Port)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("urls", $"http://127.0.0.1:{first};http://127.0.0.1:{second}");
            builder.UseSetting("Worker:DataDirectory", _data);
            builder.UseSetting("services:registry:http:0", "http://127.0.0.1:9");
            if (http2Port is { } port)
            {
                builder.UseSetting("Worker:Http2Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        factory.UseKestrel();
        factory.StartServer();
        return factory;
    }

    private static HttpRequestMessage Alive(int port, Version version) => new(HttpMethod.Get, $"http://127.0.0.1:{port}/alive")
    {
        Version = version,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public void Dispose() => Directory.Delete(_data, recursive: true);

    /// <summary>A request body written a chunk at a time; <see cref="Finished"/> gives the bytes written, or the failure.</summary>
    private sealed class SlowBody(int chunks, int chunkBytes, TimeSpan pause) : HttpContent
    {
        private readonly TaskCompletionSource<long> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<long> Finished => _finished.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[chunkBytes];
            long written = 0;
            try
            {
                for (var i = 0; i < chunks; i++)
                {
                    await stream.WriteAsync(chunk);
                    await stream.FlushAsync();
                    written += chunk.Length;
                    await Task.Delay(pause);
                }

                _finished.TrySetResult(written);
            }
            catch (Exception ex)
            {
                _finished.TrySetException(new InvalidOperationException($"the body broke off after {written} bytes: {ex.Message}", ex));
                throw;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = (long)chunks * chunkBytes;
            return true;
        }
    }
}
