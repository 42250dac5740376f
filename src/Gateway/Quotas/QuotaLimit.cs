using System.Globalization;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// A token bucket: it holds up to <see cref="Burst"/> tokens and gains <see cref="RequestsPerMinute"/>
/// tokens per minute; a request takes one token (a batch one per item). <see cref="Policy"/> is the
/// name clients see in the <c>RateLimit</c> headers: the plan's, or <c>custom</c> for a key's override.
/// </summary>
/// <remarks>
/// Tokens are counted in <see cref="UnitsPerToken"/> units, so one millisecond adds exactly
/// <see cref="RequestsPerMinute"/> units: the arithmetic is whole numbers, the same in C# and in the
/// Redis script, with no rounding drift.
/// </remarks>
internal readonly record struct QuotaLimit(string Policy, long RequestsPerMinute, long Burst)
{
    public const string CustomPolicy = "custom";

    /// <summary>Units per token: the milliseconds in a minute.</summary>
    public const long UnitsPerToken = 60_000;

    public long CapacityUnits => Burst * UnitsPerToken;

    /// <summary>Seconds an empty bucket takes to fill: the window of <c>RateLimit-Policy</c>.</summary>
    public long WindowSeconds => Math.Max(1, (Burst * 60 + RequestsPerMinute - 1) / RequestsPerMinute);

    /// <summary>Reads a key's override, <c>"&lt;requests_per_minute&gt;:&lt;burst&gt;"</c>, both at least 1.</summary>
    public static bool TryParseOverride(string? value, out QuotaLimit limit)
    {
        limit = default;
        var separator = value?.IndexOf(':') ?? -1;
        if (separator < 0
            || !long.TryParse(value.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var perMinute)
            || !long.TryParse(value.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var burst)
            || perMinute < 1 || burst < 1 || burst > int.MaxValue || perMinute > int.MaxValue)
        {
            return false;
        }

        limit = new QuotaLimit(CustomPolicy, perMinute, burst);
        return true;
    }
}
