namespace Maestro.Gateway.Tests;

/// <summary>What an <see cref="EchoBackend"/> received.</summary>
internal sealed record Echo(string Backend, string Method, string Path, string? Caller, string? ApiKey, string? RequestId, string? Body = null, string? Authorization = null, string? Protocol = null);
