using System.Threading.RateLimiting;

namespace Maestro.Gateway.Quotas;

/// <summary>The outcome handed to ASP.NET Core's rate-limiting middleware; holds nothing to release.</summary>
internal sealed class QuotaLease : RateLimitLease
{
    public static readonly QuotaLease Acquired = new(true, null, null);

    /// <summary>"Not decided synchronously": sends the middleware on to the asynchronous acquire.</summary>
    public static readonly QuotaLease Undecided = new(false, null, null);

    private readonly TimeSpan? _retryAfter;
    private readonly string? _reason;

    private QuotaLease(bool acquired, TimeSpan? retryAfter, string? reason) =>
        (IsAcquired, _retryAfter, _reason) = (acquired, retryAfter, reason);

    /// <summary>Refused: <paramref name="reason"/> says why, <paramref name="retryAfter"/> when to come back (none when waiting cannot help).</summary>
    public static QuotaLease Refused(string reason, TimeSpan? retryAfter) => new(false, retryAfter, reason);

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames
    {
        get
        {
            if (_retryAfter is not null)
            {
                yield return MetadataName.RetryAfter.Name;
            }

            if (_reason is not null)
            {
                yield return MetadataName.ReasonPhrase.Name;
            }
        }
    }

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = metadataName == MetadataName.RetryAfter.Name ? _retryAfter
            : metadataName == MetadataName.ReasonPhrase.Name ? _reason
            : null;
        return metadata is not null;
    }
}
