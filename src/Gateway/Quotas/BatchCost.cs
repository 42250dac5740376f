using System.Buffers;
using System.Text.Json;
using Maestro.Gateway.Resilience;
using Maestro.Gateway.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Maestro.Gateway.Quotas;

/// <summary>
/// What a request costs: one token, except <c>batch_predict</c>, which costs one per item of its
/// <c>requests</c> array. The body is buffered (so it is still forwarded whole; up to 1 MiB of known length in a pooled buffer the retry reuses) and counted with a
/// forward-only JSON reader that skips over each item without building anything. A body that cannot be
/// counted — not JSON, no <c>requests</c> array, over the inference body limit — costs one token; the
/// worker or the body limit then answers for it.
/// </summary>
internal sealed class BatchCost(IOptions<GatewayLimitsOptions> limits)
{
    public const string RequestsProperty = "requests";

    /// <summary>Whether the request may cost more than one token (a <c>batch_predict</c>).</summary>
    public static bool AppliesTo(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.RouteValues["action"] as string == "batch_predict";

    public async ValueTask<long> OfAsync(HttpContext context)
    {
        var request = context.Request;
        if (!AppliesTo(request))
        {
            return 1;
        }

        var limit = limits.Value.InferenceBodyBytes;
        if (request.ContentLength is 0 || request.ContentLength > limit)
        {
            return 1;
        }

        // The same limit the proxy applies to this route; the server's default is smaller.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (await ReplayableBody.OfAsync(context) is { } replayable)
        {
            return Math.Max(1, CountItems(replayable.Bytes));
        }

        request.EnableBuffering(bufferThreshold: UpstreamRetryBuffer, bufferLimit: limit);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 16 * 1024, limit));
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted)) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            request.Body.Position = 0;
            return Math.Max(1, CountItems(buffer.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Items of the top-level <c>requests</c> array; 0 when there is none or the JSON is broken.</summary>
    internal static long CountItems(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRequests = reader.ValueTextEquals(RequestsProperty);
                reader.Read();
                if (isRequests && reader.TokenType == JsonTokenType.StartArray)
                {
                    long items = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        items++;
                        reader.Skip();
                    }

                    return reader.TokenType == JsonTokenType.EndArray ? items : 0;
                }

                reader.Skip();
            }

            return 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    /// <summary>Bodies up to this size stay in memory while buffered, as the retry step keeps them.</summary>
    private const int UpstreamRetryBuffer = Resilience.ReplayableBody.MaxBytes;
}
