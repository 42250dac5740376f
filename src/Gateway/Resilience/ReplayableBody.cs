using System.Buffers;

namespace Maestro.Gateway.Resilience;

/// <summary>
/// A request body held in a pooled buffer so that it can be sent twice: read whole once (only bodies
/// with a known length of at most <see cref="MaxBytes"/>), then served from memory to every reader —
/// the quota's batch counter, the first forwarding attempt and a retry. The buffer goes back to the
/// pool when the response is done.
/// </summary>
internal sealed class ReplayableBody : MemoryStream
{
    /// <summary>The largest body kept in memory to be replayed.</summary>
    public const int MaxBytes = 1024 * 1024;

    private byte[]? _rented;

    private ReplayableBody(byte[] rented, int length) : base(rented, 0, length, writable: false, publiclyVisible: true) =>
        _rented = rented;

    /// <summary>The body's bytes.</summary>
    public ReadOnlySpan<byte> Bytes => GetBuffer().AsSpan(0, (int)Length);

    /// <summary>
    /// Makes the request's body replayable when its declared length is 1 to <see cref="MaxBytes"/>
    /// bytes (or it already is): <c>null</c> otherwise, and the body is left as it was.
    /// </summary>
    public static async ValueTask<ReplayableBody?> OfAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Body is ReplayableBody buffered)
        {
            return buffered;
        }

        if (request.ContentLength is not (> 0 and <= MaxBytes) || request.Body.CanSeek)
        {
            return null;
        }

        var length = (int)request.ContentLength.Value;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        var read = 0;
        try
        {
            int chunk;
            while (read < length && (chunk = await request.Body.ReadAsync(rented.AsMemory(read, length - read), context.RequestAborted)) > 0)
            {
                read += chunk;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }

        // A body shorter than declared is forwarded as it came; the service (or Kestrel) answers for it.
        var body = new ReplayableBody(rented, read);
        request.Body = body;
        context.Response.RegisterForDispose(body);
        return body;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
