using System.Text.Json;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// Reads a V2 inference request against the model's signature: its inputs (names, datatypes, shapes,
/// JSON or binary data), the outputs it asks for and their parameters. Anything the model or the
/// protocol does not allow is an <see cref="InferenceRequestException"/> saying what to change.
/// </summary>
internal static class InferenceInputs
{
    /// <summary>The outputs asked for (all when none are named), each with whether it goes as binary data.</summary>
    public static RequestedOutput[] RequestedOutputs(LoadedModel model, JsonElement request)
    {
        var binaryByDefault = BooleanParameter(request, "binary_data_output", "The request's") ?? false;
        if (!request.TryGetProperty("outputs", out var outputs) || outputs.ValueKind == JsonValueKind.Null)
        {
            return model.OutputNames.Select(name => new RequestedOutput(name, binaryByDefault)).ToArray();
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw new InferenceRequestException("'outputs' must be an array of {name}.");
        }

        var requested = new List<RequestedOutput>();
        foreach (var output in outputs.EnumerateArray())
        {
            var name = output.ValueKind == JsonValueKind.Object && output.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                ? JsonStrings.Read(n, "An output name")
                : throw new InferenceRequestException("Each entry of 'outputs' needs a 'name'.");
            if (!model.OutputNames.Contains(name))
            {
                throw new InferenceRequestException($"Model '{model.Name}' has no output '{name}'; its outputs are {string.Join(", ", model.OutputNames)}.");
            }

            if (Parameter(output, "classification", $"Output '{name}'") is not null)
            {
                throw new InferenceRequestException($"Output '{name}' asks for classification, which this server does not offer; ask for the output itself.");
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

    /// <summary>
    /// One entry of <c>inputs</c> as a tensor the model takes: from its JSON <c>data</c>, or from the next
    /// <c>binary_data_size</c> bytes of <paramref name="binary"/> (Triton's binary tensor data).
    /// </summary>
    public static (string Name, OrtValue Value) Read(
        LoadedModel model, JsonElement input, List<string> seen, ReadOnlyMemory<byte> binary, ref int binaryRead)
    {
        if (input.ValueKind != JsonValueKind.Object
            || !input.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            throw new InferenceRequestException("Each input needs a 'name'.");
        }

        var name = JsonStrings.Read(nameElement, "An input name");
        if (!model.InputMetadata.TryGetValue(name, out var metadata))
        {
            throw new InferenceRequestException($"Model '{model.Name}' has no input '{name}'; its inputs are {string.Join(", ", model.InputNames)}.");
        }

        if (seen.Contains(name))
        {
            throw new InferenceRequestException($"Input '{name}' is given twice.");
        }

        if (!input.TryGetProperty("datatype", out var datatypeElement)
            || datatypeElement.ValueKind != JsonValueKind.String
            || !OnnxDatatypes.TryParse(JsonStrings.Read(datatypeElement, $"Input '{name}' datatype"), out var datatype))
        {
            throw new InferenceRequestException($"Input '{name}' needs a 'datatype' such as FP32, INT64, BOOL or BYTES.");
        }

        if (!metadata.IsTensor || datatype != metadata.ElementDataType)
        {
            var modelType = metadata.IsTensor ? OnnxDatatypes.NameOf(metadata.ElementDataType) : metadata.OnnxValueType.ToString();
            throw new InferenceRequestException(
                $"Input '{name}' is {modelType} in the model; the request says {OnnxDatatypes.NameOf(datatype)}.");
        }

        var shape = ReadShape(name, input);
        var expected = metadata.Dimensions;
        if (shape.Length != expected.Length
            || shape.Where((dimension, i) => expected[i] >= 0 && expected[i] != dimension).Any())
        {
            throw new InferenceRequestException(
                $"Input '{name}' has shape [{string.Join(", ", shape)}]; the model takes [{string.Join(", ", expected)}] (-1: any size).");
        }

        if (Parameter(input, "binary_data_size", $"Input '{name}'") is { } size)
        {
            if (input.TryGetProperty("data", out _))
            {
                throw new InferenceRequestException($"Input '{name}' has both 'data' and parameters.binary_data_size; send its elements one way.");
            }

            var remaining = binary.Length - binaryRead;
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt32(out var length) || length < 0)
            {
                throw new InferenceRequestException($"Input '{name}' parameters.binary_data_size must be a number of bytes; it is {size.GetRawText()}.");
            }

            if (length > remaining)
            {
                throw new InferenceRequestException(binary.Length == 0
                    ? $"Input '{name}' declares {length} bytes of binary data, but the request has none: send them after the JSON header and give the header's length in {InferenceRequestBody.HeaderLengthHeader}."
                    : $"Input '{name}' declares {length} bytes of binary data, but only {remaining} remain after the JSON header and the inputs before it.");
            }

            var value = BinaryTensorData.Read(name, datatype, shape, binary.Span.Slice(binaryRead, length));
            binaryRead += length;
            return (name, value);
        }

        if (!input.TryGetProperty("data", out var data))
        {
            throw new InferenceRequestException($"Input '{name}' needs 'data' (or parameters.binary_data_size with binary tensor data).");
        }

        return (name, TensorReader.Read(name, datatype, shape, data));
    }

    private static long[] ReadShape(string name, JsonElement input)
    {
        if (!input.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw new InferenceRequestException($"Input '{name}' needs a 'shape': an array of sizes.");
        }

        var dimensions = new long[shape.GetArrayLength()];
        var i = 0;
        foreach (var dimension in shape.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out dimensions[i]) || dimensions[i] < 0)
            {
                throw new InferenceRequestException($"Input '{name}' shape entry {i} is not a size (a whole number ≥ 0).");
            }

            i++;
        }

        return dimensions;
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
            throw new InferenceRequestException($"{who} 'parameters' must be a JSON object.");
        }

        return parameters.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    private static bool? BooleanParameter(JsonElement owner, string key, string who) => Parameter(owner, key, who) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        var other => throw new InferenceRequestException($"{who} parameters.{key} must be true or false; it is {other.Value.GetRawText()}."),
    };
}
