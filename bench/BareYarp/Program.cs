using Yarp.ReverseProxy.Configuration;

// Started by bench/run.sh as
// `dotnet Maestro.BareYarp.dll --urls http://127.0.0.1:PORT --Destination http://127.0.0.1:OTHER`.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var destination = builder.Configuration["Destination"]
    ?? throw new InvalidOperationException("Pass --Destination http://127.0.0.1:PORT (where to forward every request).");

builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "destination", Match = new RouteMatch { Path = "/{**catch-all}" } }],
    [new ClusterConfig
    {
        ClusterId = "destination",
        Destinations = new Dictionary<string, DestinationConfig> { ["only"] = new() { Address = destination } },
    }]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
