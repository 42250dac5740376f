namespace Maestro.Gateway.Quotas;

/// <summary>
/// The outcome of taking tokens from a bucket: whether the request may pass, whole tokens left, how
/// long until enough tokens for it (0 when allowed), how long until the bucket is full again, and
/// whether every replica's shared count (Redis) or only this instance's decided it, and how many tokens
/// beyond the request's cost were taken for this instance's lease (<see cref="QuotaLeases"/>).
/// </summary>
internal readonly record struct QuotaDecision(bool Allowed, long Remaining, long RetryAfterMs, long FullAfterMs, bool Shared, long TakenAhead = 0);
