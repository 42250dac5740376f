using Microsoft.Extensions.Options;

namespace Maestro.InferenceWorker.Models;

/// <summary>
/// <see cref="WorkerOptions.MemoryBudgetMB"/>: loaded models are reckoned by the size of their ONNX
/// files, and before a load that would exceed the budget the least recently used models that no
/// request holds are unloaded (they load again on their next request). When what is left is all in
/// use, the load goes ahead over budget and says so. 0 means no limit.
/// </summary>
internal sealed partial class MemoryBudget(IOptions<WorkerOptions> options, ILogger<MemoryBudget> logger)
{
    private readonly Lock _gate = new();

    /// <summary>Unloads idle models, least recently used first, until <paramref name="incoming"/> more bytes fit.</summary>
    /// <param name="loaded">Every model loaded now; read once the budget's lock is held.</param>
    /// <param name="replacing">The version the new one replaces, which leaves with it and is not unloaded first.</param>
    /// <param name="unload">Unloads a model from wherever it is held; <c>false</c> when it was gone already.</param>
    public void MakeRoom(long incoming, Func<IReadOnlyList<LoadedModel>> loaded, LoadedModel? replacing, Func<LoadedModel, bool> unload)
    {
        var budgetMB = options.Value.MemoryBudgetMB;
        var budget = budgetMB * 1024L * 1024L;
        if (budget <= 0)
        {
            return;
        }

        lock (_gate)
        {
            var others = loaded().Where(m => m != replacing).ToArray();
            var used = others.Sum(m => m.EstimatedBytes);
            foreach (var victim in others.Where(m => !m.InFlight).OrderBy(m => m.LastUsed))
            {
                if (used + incoming <= budget)
                {
                    return;
                }

                if (unload(victim))
                {
                    used -= victim.EstimatedBytes;
                    LogEvicted(logger, victim.Name, victim.Version, budgetMB);
                }
            }

            if (used + incoming > budget)
            {
                LogOverBudget(logger, used + incoming, budgetMB);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unloaded {Model} version {Version}, the least recently used, to stay within Worker:MemoryBudgetMB = {BudgetMB}.")]
    private static partial void LogEvicted(ILogger logger, string model, int version, int budgetMB);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loaded models need about {Bytes} bytes, over Worker:MemoryBudgetMB = {BudgetMB}: every other model is in use.")]
    private static partial void LogOverBudget(ILogger logger, long bytes, int budgetMB);
}
