using System.Globalization;
using System.Text.Json;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// A V2 inference request as received: its JSON and, with Triton's binary tensor data extension
/// (header <c>Inference-Header-Content-Length: N</c>), the raw tensor bytes that follow the first N
/// bytes of the body. A binary request is buffered whole — Kestrel's body size limit bounds it — and
/// its JSON is parsed in place.
/// </summary>
internal sealed class InferenceRequestBody : IDisposable
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    private readonly JsonDocument _document;

    private InferenceRequestBody(JsonDocument document, ReadOnlyMemory<byte> binary)
    {
        _document = document;
        Binary = binary;
    }

    public JsonElement Root => _document.RootElement;

    /// <summary>The bytes after the JSON header, in the order of the inputs that declare <c>binary_data_size</c>.</summary>
    public ReadOnlyMemory<byte> Binary { get; }

    /// <summary>
    /// Reads the body; a malformed one throws <see cref="InferenceRequestException"/>, and Kestrel's own
    /// refusals while reading (a body over its size limit: 413) stay <see cref="BadHttpRequestException"/>.
    /// </summary>
    public static async Task<InferenceRequestBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.Headers.TryGetValue(HeaderLengthHeader, out var header))
        {
            return new InferenceRequestBody(await ParseAsync(request.Body, cancellationToken), ReadOnlyMemory<byte>.Empty);
        }

        if (header.Count != 1 || !int.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out var headerLength))
        {
            throw new InferenceRequestException($"{HeaderLengthHeader} must be the length of the JSON header in bytes; it is '{header}'.");
        }

        var body = await ReadAllAsync(request, cancellationToken);
        if (headerLength > body.Length)
        {
            throw new InferenceRequestException($"{HeaderLengthHeader} is {headerLength}, but the body holds only {body.Length} bytes.");
        }

        return new InferenceRequestBody(Parse(body[..headerLength]), body[headerLength..]);
    }

    private static async Task<JsonDocument> ParseAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new InferenceRequestException($"The body is not valid JSON: {ex.Message}");
        }
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InferenceRequestException($"The JSON header (the first {json.Length} bytes) is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>The whole body in one array: sized by Content-Length when given, else grown as it arrives.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length and <= int.MaxValue)
        {
            var buffer = GC.AllocateUninitializedArray<byte>((int)length);
            var read = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            return read == buffer.Length
                ? buffer
                : throw new InferenceRequestException($"The body ended after {read} of the {length} bytes its Content-Length announced.");
        }

        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        return copy.GetBuffer().AsMemory(0, (int)copy.Length);
    }

    public void Dispose() => _document.Dispose();
}
