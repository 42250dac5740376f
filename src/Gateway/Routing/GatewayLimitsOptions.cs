using System.ComponentModel.DataAnnotations;

namespace Maestro.Gateway.Routing;

/// <summary>Request body limits by kind of route, under <c>Gateway:Limits</c>.</summary>
public sealed class GatewayLimitsOptions
{
    public const string SectionName = "Gateway:Limits";

    /// <summary>Predictions and V2 inference (default 10 MB).</summary>
    [Range(1, long.MaxValue)]
    public long InferenceBodyBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Model uploads to the registry (default 513 MB: the registry's 512 MB plus multipart framing).</summary>
    [Range(1, long.MaxValue)]
    public long UploadBodyBytes { get; set; } = 513L * 1024 * 1024;

    /// <summary>Every other request (default 1 MB).</summary>
    [Range(1, long.MaxValue)]
    public long DefaultBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// A body the gateway answers without reading (a 413 for its declared length, a 401, 403, 404 or 429
    /// decided from the headers) is still read to its end and discarded when it is at most this long
    /// (default 16 MB), so that the connection stays open and the client reads the answer: closing while
    /// the body is still coming resets the connection, and the reset loses the answer. A longer body is
    /// answered with <c>Connection: close</c> instead of being drained (<see cref="UnreadBodies"/>).
    /// </summary>
    [Range(0, long.MaxValue)]
    public long DrainBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The smallest of the limits: no route refuses a body of at most this many bytes.</summary>
    public long SmallestBodyBytes => Math.Min(DefaultBodyBytes, Math.Min(InferenceBodyBytes, UploadBodyBytes));

    public long For(string? bodyKind) => bodyKind switch
    {
        GatewayRoutes.InferenceBody => InferenceBodyBytes,
        GatewayRoutes.UploadBody => UploadBodyBytes,
        _ => DefaultBodyBytes,
    };
}
