using System.Globalization;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// The <c>RateLimit-Policy</c> and <c>RateLimit</c> response fields of the IETF httpapi draft
/// (draft-ietf-httpapi-ratelimit-headers-09, structured fields), for a token bucket:
/// <c>RateLimit-Policy: "free";q=20;w=20</c> — the bucket holds <c>q</c> requests and an empty one
/// fills in <c>w</c> seconds — and <c>RateLimit: "free";r=7;t=13</c> — <c>r</c> requests left now,
/// the bucket full again in <c>t</c> seconds. A refused request also gets <c>Retry-After</c>: the
/// seconds until its cost is available.
/// </summary>
internal static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string Current = "RateLimit";

    public static void Write(HttpResponse response, QuotaLimit limit, QuotaDecision decision)
    {
        var headers = response.Headers;
        headers[Policy] = string.Create(CultureInfo.InvariantCulture, $"\"{limit.Policy}\";q={limit.Burst};w={limit.WindowSeconds}");
        headers[Current] = string.Create(CultureInfo.InvariantCulture, $"\"{limit.Policy}\";r={decision.Remaining};t={Seconds(decision.FullAfterMs)}");
    }

    /// <summary>Whole seconds, rounded up: a client that waits that long is never early.</summary>
    public static long Seconds(long milliseconds) => (milliseconds + 999) / 1000;
}
