using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maestro.Gateway.Tests;

/// <summary>
/// A real HTTP server on a loopback port standing in for a Maestro service behind the gateway: every
/// request is answered with an <see cref="Echo"/> of what arrived, so a test sees which backend the
/// gateway chose and exactly which headers it forwarded.
/// </summary>
internal sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoBackend(string name, WebApplication app, string address)
    {
        Name = name;
        _app = app;
        Address = address;
    }

    public string Name { get; }

    /// <summary><c>http://127.0.0.1:port</c>, as the AppHost would put it in <c>services__name__http__N</c>.</summary>
    public string Address { get; }

    /// <param name="name">What the echo calls the backend.</param>
    /// <param name="http2Only">Speak HTTP/2 only (cleartext, prior knowledge), as a worker's h2c endpoint does.</param>
    public static async Task<EchoBackend> StartAsync(string name, bool http2Only = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (http2Only)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        }

        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.Map("/{**path}", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            return TypedResults.Json(new Echo(
                name,
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                Header(context, "X-Maestro-Caller"),
                Header(context, "X-API-Key"),
                Header(context, "X-Request-Id"),
                body.Length == 0 ? null : body,
                Header(context, "Authorization"),
                context.Request.Protocol));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new EchoBackend(name, app, address);
    }

    /// <summary>
    /// An address where nothing listens: a service that is down. The port stays bound (without
    /// listening, so connections are refused) for the rest of the test run, so no other test's server
    /// can take it and bring the "dead" service back to life.
    /// </summary>
    public static string DownAddress()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ReservedPorts.Add(socket);
        return $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<Socket> ReservedPorts = [];

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static string? Header(HttpContext context, string name) =>
        context.Request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;
}
