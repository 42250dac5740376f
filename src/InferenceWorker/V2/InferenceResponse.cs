using System.Buffers;
using System.Globalization;
using Maestro.InferenceWorker.Models;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// A V2 inference answer ready to send: its JSON and, when outputs were asked for as binary data, those
/// output tensors, which are copied once — from ONNX Runtime's memory into the response — when the
/// answer is written. Until then the answer holds the outputs and a lease on the model that made them;
/// writing releases both.
/// </summary>
internal sealed class InferenceResponse : IResult, IDisposable
{
    private readonly ArrayBufferWriter<byte> _json;
    private readonly IReadOnlyList<(OrtValue Value, long Size)> _binary;
    private readonly IReadOnlyList<IDisposable> _owned;
    private int _disposed;

    /// <param name="json">The JSON document (the header, when there are binary outputs).</param>
    /// <param name="binary">Outputs whose bytes follow the JSON, in the order the JSON lists them.</param>
    /// <param name="owned">What to dispose once written: output values and the model lease.</param>
    public InferenceResponse(ArrayBufferWriter<byte> json, IReadOnlyList<(OrtValue Value, long Size)> binary, IReadOnlyList<IDisposable> owned)
    {
        _json = json;
        _binary = binary;
        _owned = owned;
    }

    public bool IsBinary => _binary.Count > 0;

    /// <summary>The JSON part of the answer (all of it unless <see cref="IsBinary"/>).</summary>
    public ReadOnlyMemory<byte> Json => _json.WrittenMemory;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            await WriteAsync(httpContext.Response, httpContext.RequestAborted);
        }
        finally
        {
            Dispose();
        }
    }

    private async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        if (!IsBinary)
        {
            response.ContentType = "application/json";
            response.ContentLength = _json.WrittenCount;
            await response.Body.WriteAsync(_json.WrittenMemory, cancellationToken);
            return;
        }

        long length = _json.WrittenCount;
        foreach (var (_, size) in _binary)
        {
            length += size;
        }

        response.ContentType = "application/octet-stream";
        response.ContentLength = length;
        response.Headers[InferenceRequestBody.HeaderLengthHeader] = _json.WrittenCount.ToString(CultureInfo.InvariantCulture);
        var pipe = response.BodyWriter;
        pipe.Write(_json.WrittenSpan);
        foreach (var (value, _) in _binary)
        {
            await BinaryTensorData.WriteAsync(pipe, value, cancellationToken);
        }

        await pipe.FlushAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    /// <summary>Keeps <paramref name="model"/> loaded until the response is written.</summary>
    public static IDisposable KeepAlive(LoadedModel model) =>
        model.TryAcquire(out var lease) ? lease : throw new ObjectDisposedException(model.Name);
}
