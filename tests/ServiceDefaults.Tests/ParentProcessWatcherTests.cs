using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Maestro.ServiceDefaults.Tests;

/// <summary>
/// A service started by the AppHost exits when the AppHost is gone. Time is fake: the watcher polls
/// only when a test advances the clock, and a test waits for the watcher's next poll to be scheduled
/// (or for the watcher to end) instead of sleeping.
/// </summary>
public sealed class ParentProcessWatcherTests
{
    /// <summary>Only against a hang: every wait below ends as soon as the watcher acts.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ExecuteAsync_ParentAlive_KeepsPollingWithoutStopping()
    {
        var time = new PollObservingTimeProvider();
        using var lifetime = new RecordingLifetime();
        using var watcher = new ParentProcessWatcher(Environment.ProcessId, lifetime, time, NullLogger<ParentProcessWatcher>.Instance);

        await watcher.StartAsync(CancellationToken.None);
        for (var poll = 0; poll < 5; poll++)
        {
            await AssertNextPollScheduledAsync(time, watcher);
            time.Advance(ParentProcessWatcher.Interval);
        }

        await AssertNextPollScheduledAsync(time, watcher);
        Assert.False(lifetime.StopRequested);
        await watcher.StopAsync(CancellationToken.None);
        Assert.False(lifetime.StopRequested);
    }

    [Fact]
    public async Task ExecuteAsync_ParentAlreadyExited_StopsTheApplication()
    {
        using var lifetime = new RecordingLifetime();
        using var watcher = new ParentProcessWatcher(ExitedProcessId(), lifetime, new FakeTimeProvider(), NullLogger<ParentProcessWatcher>.Instance);

        await watcher.StartAsync(CancellationToken.None);
        await watcher.ExecuteTask!.WaitAsync(HangGuard);

        Assert.True(lifetime.StopRequested);
    }

    [Fact]
    public async Task ExecuteAsync_ParentExitsLater_StopsTheApplicationOnTheNextPoll()
    {
        using var parent = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        try
        {
            var time = new PollObservingTimeProvider();
            using var lifetime = new RecordingLifetime();
            using var watcher = new ParentProcessWatcher(parent.Id, lifetime, time, NullLogger<ParentProcessWatcher>.Instance);
            await watcher.StartAsync(CancellationToken.None);
            await AssertNextPollScheduledAsync(time, watcher);

            parent.Kill();
            await parent.WaitForExitAsync();

            // The parent is gone, but the watcher only notices when its next poll is due.
            Assert.False(lifetime.StopRequested);
            time.Advance(ParentProcessWatcher.Interval);
            await watcher.ExecuteTask!.WaitAsync(HangGuard);
            Assert.True(lifetime.StopRequested);
        }
        finally
        {
            if (!parent.HasExited)
            {
                parent.Kill();
            }
        }
    }

    [Fact]
    public async Task AddServiceDefaults_ParentPidOfExitedProcess_StopsTheApplication()
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(builder =>
        {
            builder.Configuration[ParentProcessWatcher.ParentPidVariable] = ExitedProcessId().ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        });
        using var registration = app.Lifetime.ApplicationStopping.Register(stopping.SetResult);

        await stopping.Task.WaitAsync(HangGuard);

        Assert.True(app.Lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task AddServiceDefaults_ParentPidOfThisProcess_KeepsTheApplicationRunning()
    {
        var time = new PollObservingTimeProvider();
        await using var app = await TestApp.StartAsync(builder =>
        {
            builder.Configuration[ParentProcessWatcher.ParentPidVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Services.AddSingleton<TimeProvider>(time);
        });
        var watcher = Assert.Single(app.Services.GetServices<IHostedService>().OfType<ParentProcessWatcher>());

        for (var poll = 0; poll < 3; poll++)
        {
            await AssertNextPollScheduledAsync(time, watcher);
            time.Advance(ParentProcessWatcher.Interval);
        }

        await AssertNextPollScheduledAsync(time, watcher);
        Assert.False(app.Lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-pid")]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task AddServiceDefaults_NoUsableParentPid_AddsNoWatcher(string? value)
    {
        await using var app = await TestApp.StartAsync(builder =>
            builder.Configuration.AddInMemoryCollection([new(ParentProcessWatcher.ParentPidVariable, value)]));

        Assert.Empty(app.Services.GetServices<IHostedService>().OfType<ParentProcessWatcher>());
        Assert.False(app.Lifetime.ApplicationStopping.IsCancellationRequested);
    }

    /// <summary>The id of a process that ran and has been reaped, so no process has it.</summary>
    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    /// <summary>Waits until the watcher has checked its parent and scheduled its next poll; fails if it ended instead.</summary>
    private static async Task AssertNextPollScheduledAsync(PollObservingTimeProvider time, ParentProcessWatcher watcher)
    {
        var scheduled = time.NextPollScheduledAsync();
        var first = await Task.WhenAny(scheduled, watcher.ExecuteTask!).WaitAsync(HangGuard);
        Assert.True(first == scheduled, "the watcher stopped instead of scheduling its next poll");
    }

    /// <summary>A fake clock that reports each poll delay the watcher schedules on it.</summary>
    private sealed class PollObservingTimeProvider : FakeTimeProvider
    {
        private readonly SemaphoreSlim _polls = new(0);

        public Task NextPollScheduledAsync() => _polls.WaitAsync();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == ParentProcessWatcher.Interval && period == Timeout.InfiniteTimeSpan)
            {
                _polls.Release();
            }

            return timer;
        }
    }

    private sealed class RecordingLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public bool StopRequested => _stopping.IsCancellationRequested;

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }
}
