using System.Net;
using Maestro.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Maestro.Gateway.Tests;

/// <summary>
/// A real HTTP server on a loopback port that drops connections on demand: while
/// <see cref="DropNext"/> is above zero, each new connection is closed before anything is read — an
/// instance behind a Kubernetes Service address that died, as the gateway sees it. Other connections
/// are answered with the name of the server.
/// </summary>
internal sealed class FlakyBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _dropNext;
    private int _dropped;

    private FlakyBackend(WebApplication app, string address) => (_app, Address) = (app, address);

    public string Address { get; }

    /// <summary>Connections closed so far.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Closes the next <paramref name="connections"/> new connections unanswered.</summary>
    public void DropNext(int connections) => Volatile.Write(ref _dropNext, connections);

    /// <summary>How long each answer waits (none by default): while one is waiting, its connection is busy.</summary>
    public TimeSpan AnswerDelay { get; set; }

    public static async Task<FlakyBackend> StartAsync()
    {
        FlakyBackend? backend = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePorts.Next();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Use(next => async connection =>
        {
            if (Interlocked.Decrement(ref backend!._dropNext) >= 0)
            {
                Interlocked.Increment(ref backend._dropped);
                connection.Abort();
                return;
            }

            Interlocked.Exchange(ref backend._dropNext, 0);
            await next(connection);
        })));
        var app = builder.Build();
        app.Map("/{**path}", async (HttpContext context) =>
        {
            await Task.Delay(backend!.AnswerDelay, context.RequestAborted);
            return TypedResults.Text("flaky");
        });
        backend = new FlakyBackend(app, $"http://127.0.0.1:{port}");
        await app.StartAsync();
        return backend;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
