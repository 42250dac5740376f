using Maestro.InferenceWorker.Apis;
using Maestro.InferenceWorker.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseHttp2RequestDrain();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapPredictApi();
app.MapV2Api();
app.MapRepositoryApi();

app.Run();

public partial class Program;
