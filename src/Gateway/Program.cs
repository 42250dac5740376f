using Maestro.Gateway.Apis;
using Maestro.Gateway.Auth;
using Maestro.Gateway.Errors;
using Maestro.Gateway.Extensions;
using Maestro.Gateway.Quotas;
using Maestro.Gateway.Routing;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages(GatewayErrors.OnEmptyStatusCode);
app.UseRequestId();
app.UseGatewayCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseQuotas();

app.MapDefaultEndpoints(metrics => metrics.WithRoutePolicy("Metrics"));
app.MapGatewayApi();
app.MapAuthApi();
app.MapApiKeysApi();
app.MapGatewayProxy();

app.Run();

public partial class Program;
