using System.Buffers;
using System.Text.Json;
using Maestro.InferenceWorker.Models;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// One V2 inference: reads the request's inputs against the model's signature, runs the model for
/// the requested outputs (all when none are named) and writes the V2 response.
/// </summary>
internal static class InferenceRunner
{
    public static byte[] Infer(LoadedModel model, JsonElement request)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw V2Exception.BadRequest("The body must be a JSON object with 'inputs'.");
        }

        if (!request.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            throw V2Exception.BadRequest("The body needs 'inputs': an array of {name, shape, datatype, data}.");
        }

        var outputNames = RequestedOutputs(model, request);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in inputs.EnumerateArray())
            {
                var (name, value) = ReadInput(model, input, names);
                names.Add(name);
                values.Add(value);
            }

            var missing = model.InputNames.Except(names).ToArray();
            if (missing.Length > 0)
            {
                throw V2Exception.BadRequest($"Missing input(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}: model '{model.Name}' needs {string.Join(", ", model.InputNames)}.");
            }

            using var runOptions = new RunOptions();
            using var outputs = model.Session.Run(runOptions, names, values, outputNames);
            return WriteResponse(model, request, outputNames, outputs);
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

    private static string[] RequestedOutputs(LoadedModel model, JsonElement request)
    {
        if (!request.TryGetProperty("outputs", out var outputs) || outputs.ValueKind == JsonValueKind.Null)
        {
            return [.. model.OutputNames];
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw V2Exception.BadRequest("'outputs' must be an array of {name}.");
        }

        var names = new List<string>();
        foreach (var output in outputs.EnumerateArray())
        {
            var name = output.ValueKind == JsonValueKind.Object && output.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                ? n.GetString()!
                : throw V2Exception.BadRequest("Each entry of 'outputs' needs a 'name'.");
            if (!model.OutputNames.Contains(name))
            {
                throw V2Exception.BadRequest($"Model '{model.Name}' has no output '{name}'; its outputs are {string.Join(", ", model.OutputNames)}.");
            }

            names.Add(name);
        }

        return names.Count == 0 ? [.. model.OutputNames] : [.. names.Distinct()];
    }

    private static (string Name, OrtValue Value) ReadInput(LoadedModel model, JsonElement input, List<string> seen)
    {
        if (input.ValueKind != JsonValueKind.Object
            || !input.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            throw V2Exception.BadRequest("Each input needs a 'name'.");
        }

        var name = nameElement.GetString()!;
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
            || !V2Datatypes.TryParse(datatypeElement.GetString(), out var datatype))
        {
            throw V2Exception.BadRequest($"Input '{name}' needs a 'datatype' such as FP32, INT64 or BOOL.");
        }

        if (datatype != metadata.ElementDataType)
        {
            throw V2Exception.BadRequest(
                $"Input '{name}' is {V2Datatypes.NameOf(metadata.ElementDataType)} in the model; the request says {V2Datatypes.NameOf(datatype)}.");
        }

        var shape = ReadShape(name, input);
        var expected = metadata.Dimensions;
        if (shape.Length != expected.Length
            || shape.Where((dimension, i) => expected[i] >= 0 && expected[i] != dimension).Any())
        {
            throw V2Exception.BadRequest(
                $"Input '{name}' has shape [{string.Join(", ", shape)}]; the model takes [{string.Join(", ", expected)}] (-1: any size).");
        }

        if (!input.TryGetProperty("data", out var data))
        {
            throw V2Exception.BadRequest($"Input '{name}' needs 'data'.");
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

    private static byte[] WriteResponse(LoadedModel model, JsonElement request, string[] outputNames, IReadOnlyList<OrtValue> outputs)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", model.Name);
            writer.WriteString("model_version", model.Version.ToString());
            if (request.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                writer.WriteString("id", id.GetString());
            }

            writer.WriteStartArray("outputs");
            for (var i = 0; i < outputNames.Length; i++)
            {
                TensorWriter.Write(writer, outputNames[i], outputs[i]);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
