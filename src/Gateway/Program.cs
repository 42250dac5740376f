using Maestro.Gateway.Abuse;
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

app.UseUnreadBodies();
app.UseTrustedProxies();
app.UseExceptionHandler();
app.UseStatusCodePages(GatewayErrors.OnEmptyStatusCode);
app.UseRequestId();
app.UseGatewayCors();
app.UseAuthFailureLimit();
app.UseGatewayAuthentication();
app.UseGatewayAuthorization();
app.UseQuotas();

app.MapDefaultEndpoints(metrics => metrics.WithRoutePolicy("Metrics"));
app.MapGatewayApi();
app.MapAuthApi();
app.MapApiKeysApi();
app.MapAuditApi();
app.MapGatewayProxy();

app.Run();

public partial class Program;
