namespace Maestro.Gateway.Auth.Refresh;

/// <summary>A stored token as found when it was presented, and whether this was its first (and only valid) use.</summary>
internal sealed record RefreshTokenRedemption(RefreshTokenRecord Token, bool FirstUse);
