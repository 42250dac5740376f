using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.ServiceDefaults.Tests;

/// <summary>Each service has one clock: the system's, unless the service (or a test) registered its own.</summary>
public sealed class TimeProviderTests
{
    [Fact]
    public async Task AddServiceDefaults_NoClockRegistered_IsTheSystemClock()
    {
        await using var app = await TestApp.StartAsync();

        Assert.Same(TimeProvider.System, Assert.Single(app.Services.GetServices<TimeProvider>()));
    }

    [Fact]
    public async Task AddServiceDefaults_ClockRegisteredBefore_KeepsThatOneOnly()
    {
        var fake = new FakeTimeProvider();
        await using var app = await TestApp.StartAsync(builder => builder.Services.AddSingleton<TimeProvider>(fake));

        Assert.Same(fake, Assert.Single(app.Services.GetServices<TimeProvider>()));
    }
}
