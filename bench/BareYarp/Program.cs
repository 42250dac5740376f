using Yarp.ReverseProxy.Configuration;

// Started by bench/run.sh as
// `dotnet Maestro.BareYarp.dll --urls http://127.0.0.1:PORT --Destination http://127.0.0.1:OTHER [--Http2 true]`
// (--Http2: HTTP/2 without TLS to the destination, as the gateway calls the workers' h2c endpoint).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var destination = builder.Configuration["Destination"]
    ?? throw new InvalidOperationException("Pass --Destination http://127.0.0.1:PORT (where to forward every request).");
var http2 = builder.Configuration.GetValue<bool>("Http2");

builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "destination", Match = new RouteMatch { Path = "/{**catch-all}" } }],
    [new ClusterConfig
    {
        ClusterId = "destination",
        Destinations = new Dictionary<string, DestinationConfig> { ["only"] = new() { Address = destination } },
        HttpRequest = http2 ? new() { Version = System.Net.HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact } : null,
    }]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
