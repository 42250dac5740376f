using System.Diagnostics;
using Maestro.AppHost.Configuration;

namespace Maestro.AppHost.Seeding;

public static class ReadyAnnouncementExtensions
{
    /// <summary>
    /// Once the gateway is first healthy: registers the demo model through it (unless
    /// <c>--no-seed</c>), then prints the line scripts wait for, <c>Maestro is ready in … s</c>, with a
    /// first curl to try. A seeding failure is reported and the platform keeps running without it.
    /// Waiting for the gateway to be healthy (<c>WaitForResourceHealthyAsync</c>) includes the seeding.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AnnounceWhenReady(
        this IResourceBuilder<ProjectResource> gateway, AppHostOptions options, string devApiKey, string modelsDirectory, long startedAt)
    {
        var announced = 0;
        return gateway.OnResourceReady(async (_, _, cancellationToken) =>
        {
            if (Interlocked.Exchange(ref announced, 1) == 1)
            {
                return; // a restarted gateway is ready again; the platform already was
            }

            var gatewayUrl = $"http://localhost:{options.Port}";
            if (options.Seed)
            {
                using var http = new HttpClient { Timeout = DemoModelSeeder.Timeout };
                Console.WriteLine(await TrySeedAsync(new DemoModelSeeder(http, gatewayUrl, devApiKey, modelsDirectory), cancellationToken));
            }

            Console.WriteLine($"Maestro is ready in {Stopwatch.GetElapsedTime(startedAt).TotalSeconds:0.0} s: {gatewayUrl} "
                + $"(Aspire dashboard http://localhost:{options.DashboardPort}). Ctrl+C stops everything.");
            Console.WriteLine($"Try: curl -s -X POST {gatewayUrl}/api/v1/models/fraud-detector/predict "
                + $"-H \"X-API-Key: $(cat {options.DataPath(DevApiKey.FileName)})\" -H 'Content-Type: application/json' "
                + "-d '{\"features\": [0.5, 1.2, 3.4]}'");
        });
    }

    /// <summary>
    /// Seeds the demo model; a failure is reported and the platform keeps running without it — a busy
    /// machine or a slow upload must not take every service down.
    /// </summary>
    /// <returns>What happened, in a sentence for the console.</returns>
    internal static async Task<string> TrySeedAsync(DemoModelSeeder seeder, CancellationToken cancellationToken)
    {
        try
        {
            return await seeder.SeedAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is SeedingException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"The demo model {DemoModelSeeder.ModelName} was not registered ({ex.Message}); the platform runs without it.";
        }
    }
}
