using System.Text.Json;
using Maestro.AppHost.Configuration;
using Maestro.Testing;

namespace Maestro.AppHost.Tests.Configuration;

/// <summary>The dashboard's local settings: defaults for a laptop, and the user's environment wins.</summary>
public sealed class LocalDashboardTests
{
    [Fact]
    public void LaunchProfile_SetsNoDashboardSwitch_SoTheUsersEnvironmentDecides()
    {
        // `dotnet run` applies the launch profile's variables over the shell's: one set there would make
        // `ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=false dotnet run --project src/AppHost` (README) do nothing.
        using var settings = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(TestPaths.RepositoryRoot, "src", "AppHost", "Properties", "launchSettings.json")));

        foreach (var profile in settings.RootElement.GetProperty("profiles").EnumerateObject())
        {
            var variables = profile.Value.TryGetProperty("environmentVariables", out var set)
                ? set.EnumerateObject().Select(variable => variable.Name).ToArray()
                : [];
            Assert.DoesNotContain(LocalDashboard.AllowAnonymous, variables);
            Assert.DoesNotContain("ASPIRE_ALLOW_UNSECURED_TRANSPORT", variables);
        }
    }

    [Fact]
    public void Configuration_NothingInTheEnvironment_AnonymousDashboardOnPlainHttp()
    {
        var settings = LocalDashboard.Configuration(new AppHostOptions { DashboardPort = 18999 });

        // (A machine whose environment sets a switch keeps its own value: then the default is not added.)
        Assert.Equal(Environment.GetEnvironmentVariable(LocalDashboard.AllowAnonymous) is null,
            settings.Contains($"{LocalDashboard.AllowAnonymous}=true"));
        Assert.Equal(Environment.GetEnvironmentVariable("ASPIRE_ALLOW_UNSECURED_TRANSPORT") is null,
            settings.Contains("ASPIRE_ALLOW_UNSECURED_TRANSPORT=true"));
        Assert.Contains("ASPNETCORE_URLS=http://localhost:18999", settings);
    }
}
