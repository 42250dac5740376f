using Microsoft.OpenApi;

namespace Maestro.Gateway.OpenApi;

/// <summary>
/// One input of the merge: a service's parsed OpenAPI document, the name it is shown under (its tag,
/// and the prefix of its schemas when names collide) and the YARP cluster that reaches it —
/// <c>null</c> for the gateway's own document.
/// </summary>
internal sealed record ServiceDocument(string Service, string? ClusterId, OpenApiDocument Document);
