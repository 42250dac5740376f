using System.Security.Claims;

namespace Maestro.Gateway.Auth.Refresh;

/// <summary>What redeeming a refresh token gave: the caller it stands for and its successor, or why it was refused.</summary>
internal sealed record RefreshOutcome(ClaimsPrincipal? Caller, string? RefreshToken, string? Refusal)
{
    public static RefreshOutcome Refused(string reason) => new(null, null, reason);
}
