using Maestro.RegistryService.Apis;
using Maestro.RegistryService.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapModelsApi();
app.MapModelLabelsApi();
app.MapModelCardsApi();
app.MapAuditApi();

app.Run();

public partial class Program;
