using System.Globalization;

namespace Maestro.InferenceWorker.Batching;

/// <summary>
/// Batching overrides a team sets in the registry, as model or version tags (a version's tag wins):
/// <c>maestro.batching.enabled</c> (<c>true</c>/<c>false</c>), <c>maestro.batching.max_batch_size</c>
/// (1–4096) and <c>maestro.batching.max_queue_delay_ms</c> (0–10000). They override the worker's
/// configuration. A value out of range or unreadable is ignored and reported.
/// </summary>
internal static class BatchingTags
{
    public const string Enabled = "maestro.batching.enabled";
    public const string MaxBatchSize = "maestro.batching.max_batch_size";
    public const string MaxQueueDelayMs = "maestro.batching.max_queue_delay_ms";

    /// <summary><paramref name="settings"/> with the tags' overrides; <paramref name="problems"/> names each tag ignored.</summary>
    public static BatchSettings Apply(BatchSettings settings, IReadOnlyDictionary<string, string> tags, out IReadOnlyList<string> problems)
    {
        var ignored = new List<string>();
        if (tags.TryGetValue(Enabled, out var enabled))
        {
            if (bool.TryParse(enabled, out var value))
            {
                settings = settings with { Enabled = value };
            }
            else
            {
                ignored.Add($"{Enabled} = '{enabled}' is not true or false");
            }
        }

        if (tags.TryGetValue(MaxBatchSize, out var size))
        {
            if (int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 4096)
            {
                settings = settings with { MaxBatchSize = value };
            }
            else
            {
                ignored.Add($"{MaxBatchSize} = '{size}' is not a whole number from 1 to 4096");
            }
        }

        if (tags.TryGetValue(MaxQueueDelayMs, out var delay))
        {
            if (double.TryParse(delay, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 10_000)
            {
                settings = settings with { MaxQueueDelay = TimeSpan.FromMilliseconds(value) };
            }
            else
            {
                ignored.Add($"{MaxQueueDelayMs} = '{delay}' is not a number of milliseconds from 0 to 10000");
            }
        }

        problems = ignored;
        return settings;
    }
}
