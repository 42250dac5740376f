using Maestro.InferenceWorker.Models;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Extensions;

/// <summary>
/// Makes the endpoint on <see cref="WorkerOptions.Http2Port"/> speak HTTP/2 only: over cleartext HTTP/2
/// cannot be negotiated, so the gateway opens it with prior knowledge. Kestrel runs this for each address
/// it binds, whichever way the addresses were given.
/// </summary>
internal sealed partial class Http2EndpointSetup(IOptions<WorkerOptions> options, ILogger<Http2EndpointSetup> logger)
    : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        if (options.Value.Http2Port is not { } port)
        {
            return;
        }

        kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == port)
            {
                listen.Protocols = HttpProtocols.Http2;
                LogHttp2Endpoint(logger, listen.IPEndPoint.ToString());
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Endpoint} speaks HTTP/2 without TLS (prior knowledge), for the gateway; the other endpoints HTTP/1.1.")]
    private static partial void LogHttp2Endpoint(ILogger logger, string endpoint);
}
