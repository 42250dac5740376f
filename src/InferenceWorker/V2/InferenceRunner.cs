using System.Buffers;
using System.Text.Json;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// One V2 inference: reads the request's inputs — JSON <c>data</c> or Triton binary tensor data —
/// against the model's signature, runs the model for the requested outputs (all when none are named)
/// and prepares the V2 response, with the outputs asked for as binary data after its JSON.
/// </summary>
internal static class InferenceRunner
{
    /// <summary>
    /// Runs the request, merged with concurrent requests of the same shape signature by
    /// <paramref name="batchers"/> when the model batches (see <see cref="TensorBatchItem.Describe"/>).
    /// </summary>
    public static async Task<InferenceResponse> InferAsync(
        LoadedModel model, InferenceRequestBody body, ModelBatchers? batchers, CancellationToken cancellationToken)
    {
        var request = body.Root;
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw V2Exception.BadRequest("The body must be a JSON object with 'inputs'.");
        }

        if (!request.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            throw V2Exception.BadRequest("The body needs 'inputs': an array of {name, shape, datatype, data}.");
        }

        var id = request.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? JsonStrings.Read(idElement, "The request 'id'")
            : null;
        var requested = RequestedOutputs(model, request);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            var binaryRead = 0;
            foreach (var input in inputs.EnumerateArray())
            {
                var (name, value) = ReadInput(model, input, names, body.Binary, ref binaryRead);
                names.Add(name);
                values.Add(value);
            }

            if (binaryRead != body.Binary.Length)
            {
                throw V2Exception.BadRequest(
                    $"The body has {body.Binary.Length} bytes of binary data after its JSON header, but the inputs' binary_data_size add up to {binaryRead}.");
            }

            var missing = model.InputNames.Except(names).ToArray();
            if (missing.Length > 0)
            {
                throw V2Exception.BadRequest($"Missing input(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}: model '{model.Name}' needs {string.Join(", ", model.InputNames)}.");
            }

            var outputNames = Array.ConvertAll(requested, r => r.Name);
            if (batchers?.ForTensors(model) is { } batcher
                && TensorBatchItem.Describe(model.OutputMetadata, names, values, outputNames) is var (signature, rows))
            {
                var item = new TensorBatchItem(names, values, outputNames, rows);
                var batched = await batcher.SubmitAsync(signature, Enumerable.Repeat(item, rows).ToArray(), cancellationToken);
                var outcome = batched[0];
                if (outcome.Error is { } error)
                {
                    throw error;
                }

                var owner = new OwnedValues(outcome.Outputs!);
                return Respond(model, id, requested, owner.Values, owner);
            }

            using var runOptions = new RunOptions();
            var outputs = model.Session.Run(runOptions, names, values, outputNames);
            return Respond(model, id, requested, outputs, outputs);
        }
        catch (OnnxRuntimeException ex)
        {
            throw V2Exception.BadRequest($"ONNX Runtime refused the inputs: {ex.Message}");
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private static RequestedOutput[] RequestedOutputs(LoadedModel model, JsonElement request)
    {
        var binaryByDefault = BooleanParameter(request, "binary_data_output", "The request's") ?? false;
        if (!request.TryGetProperty("outputs", out var outputs) || outputs.ValueKind == JsonValueKind.Null)
        {
            return model.OutputNames.Select(name => new RequestedOutput(name, binaryByDefault)).ToArray();
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw V2Exception.BadRequest("'outputs' must be an array of {name}.");
        }

        var requested = new List<RequestedOutput>();
        foreach (var output in outputs.EnumerateArray())
        {
            var name = output.ValueKind == JsonValueKind.Object && output.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                ? JsonStrings.Read(n, "An output name")
                : throw V2Exception.BadRequest("Each entry of 'outputs' needs a 'name'.");
            if (!model.OutputNames.Contains(name))
            {
                throw V2Exception.BadRequest($"Model '{model.Name}' has no output '{name}'; its outputs are {string.Join(", ", model.OutputNames)}.");
            }

            if (Parameter(output, "classification", $"Output '{name}'") is not null)
            {
                throw V2Exception.BadRequest($"Output '{name}' asks for classification, which this server does not offer; ask for the output itself.");
            }

            var binary = BooleanParameter(output, "binary_data", $"Output '{name}'") ?? binaryByDefault;
            if (!requested.Exists(r => r.Name == name))
            {
                requested.Add(new RequestedOutput(name, binary));
            }
        }

        return requested.Count == 0
            ? model.OutputNames.Select(name => new RequestedOutput(name, binaryByDefault)).ToArray()
            : [.. requested];
    }

    private static (string Name, OrtValue Value) ReadInput(
        LoadedModel model, JsonElement input, List<string> seen, ReadOnlyMemory<byte> binary, ref int binaryRead)
    {
        if (input.ValueKind != JsonValueKind.Object
            || !input.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            throw V2Exception.BadRequest("Each input needs a 'name'.");
        }

        var name = JsonStrings.Read(nameElement, "An input name");
        if (!model.InputMetadata.TryGetValue(name, out var metadata))
        {
            throw V2Exception.BadRequest($"Model '{model.Name}' has no input '{name}'; its inputs are {string.Join(", ", model.InputNames)}.");
        }

        if (seen.Contains(name))
        {
            throw V2Exception.BadRequest($"Input '{name}' is given twice.");
        }

        if (!input.TryGetProperty("datatype", out var datatypeElement)
            || datatypeElement.ValueKind != JsonValueKind.String
            || !V2Datatypes.TryParse(JsonStrings.Read(datatypeElement, $"Input '{name}' datatype"), out var datatype))
        {
            throw V2Exception.BadRequest($"Input '{name}' needs a 'datatype' such as FP32, INT64, BOOL or BYTES.");
        }

        if (!metadata.IsTensor || datatype != metadata.ElementDataType)
        {
            var modelType = metadata.IsTensor ? V2Datatypes.NameOf(metadata.ElementDataType) : metadata.OnnxValueType.ToString();
            throw V2Exception.BadRequest(
                $"Input '{name}' is {modelType} in the model; the request says {V2Datatypes.NameOf(datatype)}.");
        }

        var shape = ReadShape(name, input);
        var expected = metadata.Dimensions;
        if (shape.Length != expected.Length
            || shape.Where((dimension, i) => expected[i] >= 0 && expected[i] != dimension).Any())
        {
            throw V2Exception.BadRequest(
                $"Input '{name}' has shape [{string.Join(", ", shape)}]; the model takes [{string.Join(", ", expected)}] (-1: any size).");
        }

        if (Parameter(input, "binary_data_size", $"Input '{name}'") is { } size)
        {
            if (input.TryGetProperty("data", out _))
            {
                throw V2Exception.BadRequest($"Input '{name}' has both 'data' and parameters.binary_data_size; send its elements one way.");
            }

            var remaining = binary.Length - binaryRead;
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt32(out var length) || length < 0)
            {
                throw V2Exception.BadRequest($"Input '{name}' parameters.binary_data_size must be a number of bytes; it is {size.GetRawText()}.");
            }

            if (length > remaining)
            {
                throw V2Exception.BadRequest(binary.Length == 0
                    ? $"Input '{name}' declares {length} bytes of binary data, but the request has none: send them after the JSON header and give the header's length in {InferenceRequestBody.HeaderLengthHeader}."
                    : $"Input '{name}' declares {length} bytes of binary data, but only {remaining} remain after the JSON header and the inputs before it.");
            }

            var value = BinaryTensorData.Read(name, datatype, shape, binary.Span.Slice(binaryRead, length));
            binaryRead += length;
            return (name, value);
        }

        if (!input.TryGetProperty("data", out var data))
        {
            throw V2Exception.BadRequest($"Input '{name}' needs 'data' (or parameters.binary_data_size with binary tensor data).");
        }

        return (name, TensorReader.Read(name, datatype, shape, data));
    }

    private static long[] ReadShape(string name, JsonElement input)
    {
        if (!input.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw V2Exception.BadRequest($"Input '{name}' needs a 'shape': an array of sizes.");
        }

        var dimensions = new long[shape.GetArrayLength()];
        var i = 0;
        foreach (var dimension in shape.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out dimensions[i]) || dimensions[i] < 0)
            {
                throw V2Exception.BadRequest($"Input '{name}' shape entry {i} is not a size (a whole number ≥ 0).");
            }

            i++;
        }

        return dimensions;
    }

    /// <summary>
    /// Writes the JSON and keeps the outputs asked for as binary data (with a lease on the model) for
    /// the response to copy out; every other output value is disposed here. Takes ownership of <paramref name="outputs"/>.
    /// </summary>
    private static InferenceResponse Respond(
        LoadedModel model, string? id, RequestedOutput[] requested, IReadOnlyList<OrtValue> outputs, IDisposable outputsOwner)
    {
        var owned = new List<IDisposable> { outputsOwner };
        try
        {
            var json = new ArrayBufferWriter<byte>(256);
            var binary = new List<(OrtValue Value, long Size)>();
            using (var writer = new Utf8JsonWriter(json))
            {
                writer.WriteStartObject();
                writer.WriteString("model_name", model.Name);
                writer.WriteString("model_version", model.Version.ToString());
                if (id is not null)
                {
                    writer.WriteString("id", id);
                }

                writer.WriteStartArray("outputs");
                for (var i = 0; i < requested.Length; i++)
                {
                    var tensor = AsTensor(requested[i].Name, outputs[i], owned);
                    if (requested[i].Binary)
                    {
                        var size = BinaryTensorData.SizeOf(tensor);
                        TensorWriter.WriteBinary(writer, requested[i].Name, tensor, size);
                        binary.Add((tensor, size));
                    }
                    else
                    {
                        TensorWriter.Write(writer, requested[i].Name, tensor);
                    }
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            if (binary.Count == 0)
            {
                Dispose(owned);
                return new InferenceResponse(json, [], []);
            }

            owned.Add(InferenceResponse.KeepAlive(model));
            return new InferenceResponse(json, binary, owned);
        }
        catch
        {
            Dispose(owned);
            throw;
        }
    }

    /// <summary>Tensors as they are; a sequence of maps (ZipMap probabilities) as an FP32 tensor [rows, classes].</summary>
    private static OrtValue AsTensor(string name, OrtValue value, List<IDisposable> owned)
    {
        if (value.OnnxType == OnnxValueType.ONNX_TYPE_TENSOR)
        {
            return value;
        }

        if (!MapSequences.TryToMatrix(value, out var matrix, out var reason))
        {
            throw V2Exception.BadRequest($"Output '{name}' cannot be sent as a V2 tensor: {reason}. Leave it out with the 'outputs' field.");
        }

        var tensor = OrtValue.CreateTensorValueFromMemory(matrix.Values, [matrix.Rows, matrix.Columns]);
        owned.Add(tensor);
        return tensor;
    }

    /// <summary><c>parameters.{key}</c> of a request, input or output, or <c>null</c> when absent.</summary>
    private static JsonElement? Parameter(JsonElement owner, string key, string who)
    {
        if (!owner.TryGetProperty("parameters", out var parameters) || parameters.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw V2Exception.BadRequest($"{who} 'parameters' must be a JSON object.");
        }

        return parameters.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    private static bool? BooleanParameter(JsonElement owner, string key, string who) => Parameter(owner, key, who) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        var other => throw V2Exception.BadRequest($"{who} parameters.{key} must be true or false; it is {other.Value.GetRawText()}."),
    };

    private static void Dispose(List<IDisposable> owned)
    {
        foreach (var item in owned)
        {
            item.Dispose();
        }

        owned.Clear();
    }

    private readonly record struct RequestedOutput(string Name, bool Binary);

    /// <summary>Outputs cut from a batch for this request; disposed with the response.</summary>
    private sealed class OwnedValues(OrtValue[] values) : IDisposable
    {
        public OrtValue[] Values { get; } = values;

        public void Dispose()
        {
            foreach (var value in Values)
            {
                value.Dispose();
            }
        }
    }
}
