using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Auth;

/// <summary>
/// Keys' last-used times without a store round-trip per request: <see cref="Record"/> notes the time in
/// memory (at most once a second per key), and every <see cref="GatewayAuthOptions.LastUsedFlushInterval"/>
/// the notes go to the store in one batch — also when the gateway stops. A batch the store refuses is
/// kept for the next attempt.
/// </summary>
internal sealed partial class ApiKeyUsageRecorder(
    IApiKeyStore store,
    IOptions<GatewayAuthOptions> options,
    TimeProvider time,
    ILogger<ApiKeyUsageRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan Resolution = TimeSpan.FromSeconds(1);

    private ConcurrentDictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);

    public void Record(string keyId)
    {
        var now = time.GetUtcNow();
        var pending = _pending;
        if (!pending.TryGetValue(keyId, out var last) || now - last >= Resolution)
        {
            pending[keyId] = now;
        }
    }

    /// <summary>Writes what was noted since the last flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal));
        if (batch.IsEmpty)
        {
            return;
        }

        try
        {
            await store.RecordUsageAsync(batch, cancellationToken);
        }
        catch (ApiKeyStoreUnavailableException e)
        {
            LogFlushFailed(logger, batch.Count, e.InnerException?.Message ?? e.Message);
            foreach (var (id, at) in batch)
            {
                _pending.AddOrUpdate(id, at, (_, newer) => newer > at ? newer : at);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LastUsedFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record when {Count} API keys were last used ({Reason}); trying again at the next flush.")]
    private static partial void LogFlushFailed(ILogger logger, int count, string reason);
}
