using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Maestro.InferenceWorker.Predict;

/// <summary>
/// Reads the body of <c>POST /api/v1/models/{name}/predict</c> without the serializer's per-request machinery when it
/// has the shape every client sends — <c>{"features": [numbers], "metadata": {"request_id": ..., "timestamp": ...}}</c>,
/// names as written here, <c>metadata</c> optional — and through <see cref="JsonSerializer"/> otherwise.
/// </summary>
/// <remarks>
/// The contract is that the two paths agree: the fast one (<see cref="TryParse"/>) answers only for input it reads
/// exactly as the serializer would with the worker's JSON options (a number beyond <see cref="double"/> included: both
/// read it as infinity, which the predictor then refuses), and declines everything else — a name in another case, a
/// number written as a string, an unknown or repeated property, a <c>null</c> among the features, any syntax error —
/// which the serializer then reads, with its own wording of what is wrong. The body is read whole first (Kestrel
/// bounds its size); it is a request of one row. <c>PredictBodyTests</c> holds the two paths to that contract.
/// </remarks>
internal static class PredictBody
{
    private const int InitialFeatureCapacity = 64;

    /// <summary>
    /// Whether <paramref name="contentType"/> is JSON in UTF-8 as nearly every client writes it, without parsing it:
    /// <c>application/json</c>, optionally with <c>; charset=utf-8</c>. Any other form is parsed as usual.
    /// </summary>
    public static bool IsPlainJson(string? contentType) =>
        string.Equals(contentType, "application/json", StringComparison.OrdinalIgnoreCase)
        || string.Equals(contentType, "application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The request's body, read whole and parsed (<see cref="Parse"/>) when it is plain UTF-8 JSON
    /// (<see cref="IsPlainJson"/>), by ASP.NET Core's reader otherwise (which also decodes other charsets);
    /// <see cref="JsonException"/> for invalid JSON. The caller has checked that the body is JSON.
    /// </summary>
    public static async ValueTask<PredictRequest?> ReadAsync(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        if (!IsPlainJson(request.ContentType))
        {
            return await request.ReadFromJsonAsync<PredictRequest>(options, cancellationToken);
        }

        var body = request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            if (read.IsCompleted)
            {
                try
                {
                    return Parse(read.Buffer, options);
                }
                finally
                {
                    body.AdvanceTo(read.Buffer.End);
                }
            }

            // Nothing consumed, everything seen: the next read returns the body so far plus what arrived.
            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary>The body as the serializer reads it with <paramref name="options"/>, by the fast path where it can.</summary>
    public static PredictRequest? Parse(ReadOnlySequence<byte> json, JsonSerializerOptions options)
    {
        if (TryParse(json, out var request))
        {
            return request;
        }

        // From a span, not a reader: the serializer then also rejects anything after the value, as it does reading a stream.
        var typeInfo = (JsonTypeInfo<PredictRequest>)options.GetTypeInfo(typeof(PredictRequest));
        return json.IsSingleSegment ? JsonSerializer.Deserialize(json.FirstSpan, typeInfo) : JsonSerializer.Deserialize(json.ToArray(), typeInfo);
    }

    /// <summary>
    /// The fast path: true with the body the serializer would read, for a body of exactly the common shape; false
    /// for anything else, to be read by the serializer. Never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySequence<byte> json, [NotNullWhen(true)] out PredictRequest? request)
    {
        request = null;
        double[]? features = null;
        PredictMetadata? metadata = null;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var seenFeatures = false;
            var seenMetadata = false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    // Only whitespace may follow the object; anything else throws, and the serializer says what it is.
                    if (reader.Read())
                    {
                        return false;
                    }

                    request = new PredictRequest(features, metadata);
                    return true;
                }

                if (!seenFeatures && reader.ValueTextEquals("features"u8))
                {
                    seenFeatures = true;
                    if (!TryReadFeatures(ref reader, out features))
                    {
                        return false;
                    }
                }
                else if (!seenMetadata && reader.ValueTextEquals("metadata"u8))
                {
                    seenMetadata = true;
                    if (!TryReadMetadata(ref reader, out metadata))
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the value after a property's name: true when it is <c>null</c> (<paramref name="isNull"/>) or opens
    /// <paramref name="start"/>, false for anything else.
    /// </summary>
    private static bool TryEnter(ref Utf8JsonReader reader, JsonTokenType start, out bool isNull)
    {
        isNull = reader.Read() && reader.TokenType == JsonTokenType.Null;
        return isNull || reader.TokenType == start;
    }

    private static bool TryReadFeatures(ref Utf8JsonReader reader, out double[]? features)
    {
        features = null;
        if (!TryEnter(ref reader, JsonTokenType.StartArray, out var isNull) || isNull)
        {
            return isNull;
        }

        var buffer = ArrayPool<double>.Shared.Rent(InitialFeatureCapacity);
        try
        {
            var count = 0;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    features = buffer.AsSpan(0, count).ToArray();
                    return true;
                }

                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value))
                {
                    return false;
                }

                if (count == buffer.Length)
                {
                    var larger = ArrayPool<double>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<double>.Shared.Return(buffer);
                    buffer = larger;
                }

                buffer[count++] = value;
            }

            return false;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    private static bool TryReadMetadata(ref Utf8JsonReader reader, out PredictMetadata? metadata)
    {
        metadata = null;
        if (!TryEnter(ref reader, JsonTokenType.StartObject, out var isNull) || isNull)
        {
            return isNull;
        }

        string? requestId = null;
        DateTimeOffset? timestamp = null;
        var seenRequestId = false;
        var seenTimestamp = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                metadata = new PredictMetadata(requestId, timestamp);
                return true;
            }

            if (!seenRequestId && reader.ValueTextEquals("request_id"u8))
            {
                seenRequestId = true;
                if (!reader.Read() || reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                {
                    return false;
                }

                requestId = reader.GetString();
            }
            else if (!seenTimestamp && reader.ValueTextEquals("timestamp"u8))
            {
                seenTimestamp = true;
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value))
                {
                    timestamp = value;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return false;
    }
}
