using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Maestro.ServiceDefaults.Tests;

/// <summary>A tiny service on the test server with the Maestro defaults, as every service's Program.cs sets them up.</summary>
internal static class TestApp
{
    public static async Task<WebApplication> StartAsync(
        Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? map = null, string environment = "Production")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        configure?.Invoke(builder);
        builder.AddServiceDefaults();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapDefaultEndpoints();
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }
}
