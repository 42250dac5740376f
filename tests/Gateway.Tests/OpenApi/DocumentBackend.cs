using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maestro.Gateway.Tests.OpenApi;

/// <summary>
/// A service on a loopback port that publishes an OpenAPI document at <c>/openapi/v1.json</c> (which a
/// test may replace while it runs) and answers 200 to everything else, probes included.
/// </summary>
internal sealed class DocumentBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private DocumentBackend(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    public string Address { get; }

    /// <summary>The JSON served at <c>/openapi/v1.json</c>.</summary>
    public string Document { get; set; } = "";

    public static async Task<DocumentBackend> StartAsync(string document)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        DocumentBackend? backend = null;
        app.MapGet("/openapi/v1.json", () => TypedResults.Text(backend!.Document, "application/json"));
        app.Map("/{**path}", () => TypedResults.Ok());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        backend = new DocumentBackend(app, address) { Document = document };
        return backend;
    }

    /// <summary>Stops answering: connections to <see cref="Address"/> are refused from now on.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }
}
