namespace Maestro.Cli.Gateway;

/// <summary>The gateway refused a call: its status, the problem's <c>detail</c> (or V2 <c>error</c>) and the request id.</summary>
internal sealed class GatewayException(int status, string reason, string? detail, string? requestId)
    : Exception($"{status} {reason}: {detail ?? "no details"}" + (requestId is null ? "" : $" (request id {requestId})"))
{
    public int Status { get; } = status;

    public string? Detail { get; } = detail;

    public string? RequestId { get; } = requestId;
}
