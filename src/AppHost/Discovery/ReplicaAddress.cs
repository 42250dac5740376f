namespace Maestro.AppHost.Discovery;

/// <summary>A replica's HTTP/1.1 address and, when it has one, its HTTP/2 (cleartext) address.</summary>
internal sealed record ReplicaAddress(string Http, string? Http2);
