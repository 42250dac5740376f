using System.Net.Sockets;
using System.Text;
using Maestro.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Maestro.Gateway.Tests.Routing;

/// <summary>
/// A body the gateway answers without reading — a 413 for its declared length, a 404 or a 401 decided
/// from the headers — on a real Kestrel port and a raw connection. The gateway answers before the body
/// has arrived. Were the connection then closed with the body still coming, the client's kernel would
/// get a reset, and a reset throws away the answer the client has not read yet: the client sees only
/// "broken pipe". So a body up to <c>Gateway:Limits:DrainBodyBytes</c> is read to its end and
/// discarded, and the connection carries on; a longer one is answered with <c>Connection: close</c>.
/// </summary>
public sealed class BodyLimitsConnectionTests : IAsyncLifetime
{
    private const int Limit = 50;
    private const int Drain = 1000;

    private readonly int _port = FreePorts.Next();
    private EchoBackend _backend = null!;
    private WebApplicationFactory<Program> _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync("registry");
        _gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseUrls($"http://127.0.0.1:{_port}");
            builder.UseSetting("Gateway:Auth:DevApiKey", GatewayHost.ApiKey);
            builder.UseSetting("services:registry:http:0", _backend.Address);
            builder.UseSetting("services:worker:http:0", _backend.Address);
            builder.UseSetting("Gateway:Limits:DefaultBodyBytes", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Gateway:Limits:DrainBodyBytes", Drain.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        _gateway.UseKestrel();
        _gateway.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Post_DeclaredLengthOverTheLimit_413ThenTheSameConnectionServesTheNextRequest()
    {
        var answers = await ExchangeAsync(Post(Limit + 500) + Get());

        Assert.StartsWith("HTTP/1.1 413", answers);
        Assert.Contains("takes at most 50 bytes", answers);
        Assert.Contains("HTTP/1.1 200", answers[answers.IndexOf("takes at most", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task Post_DeclaredLengthOverWhatIsDrained_413WithConnectionClose()
    {
        var answers = await ExchangeAsync(Post(Drain + 1) + Get());

        Assert.StartsWith("HTTP/1.1 413", answers);
        Assert.Contains("Connection: close", answers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("HTTP/1.1 200", answers);
    }

    [Theory]
    [InlineData("/api/v9/nowhere", true, "HTTP/1.1 404")]
    [InlineData("/api/v1/models", false, "HTTP/1.1 401")]
    public async Task Post_AnsweredFromTheHeadersWithABodyOverTheDefaultLimit_AnswerThenTheSameConnectionServesTheNextRequest(string path, bool withKey, string answer)
    {
        var answers = await ExchangeAsync(Post(Limit + 500, path, withKey) + Get());

        Assert.StartsWith(answer, answers);
        Assert.Contains("HTTP/1.1 200", answers[answer.Length..]);
    }

    [Fact]
    public async Task Post_UnknownPathWithABodyOverWhatIsDrained_404WithConnectionClose()
    {
        var answers = await ExchangeAsync(Post(Drain + 1, "/api/v9/nowhere") + Get());

        Assert.StartsWith("HTTP/1.1 404", answers);
        Assert.Contains("Connection: close", answers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("HTTP/1.1 200", answers);
    }

    private static string Post(int bytes, string path = "/api/v1/models", bool withKey = true) =>
        $"POST {path} HTTP/1.1\r\nHost: gateway\r\n{(withKey ? $"X-API-Key: {GatewayHost.ApiKey}\r\n" : "")}Content-Type: application/json\r\n"
        + $"Content-Length: {bytes}\r\n\r\n{new string('x', bytes)}";

    private static string Get() => $"GET /api/v1/models HTTP/1.1\r\nHost: gateway\r\nX-API-Key: {GatewayHost.ApiKey}\r\nConnection: close\r\n\r\n";

    /// <summary>Sends <paramref name="requests"/> on one connection and returns all it got back until the gateway closed it or went quiet.</summary>
    private async Task<string> ExchangeAsync(string requests)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(requests));
        }
        catch (IOException)
        {
            // The gateway may close before the second request is written; what it answered is still read.
        }

        var received = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, quiet.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }
}
