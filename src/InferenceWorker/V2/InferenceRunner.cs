using System.Buffers;
using System.Text.Json;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.V2;

/// <summary>
/// One V2 inference: reads the request's inputs (<see cref="InferenceInputs"/>: JSON <c>data</c> or Triton binary tensor data)
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
            throw new InferenceRequestException("The body must be a JSON object with 'inputs'.");
        }

        if (!request.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            throw new InferenceRequestException("The body needs 'inputs': an array of {name, shape, datatype, data}.");
        }

        var id = request.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? JsonStrings.Read(idElement, "The request 'id'")
            : null;
        var requested = InferenceInputs.RequestedOutputs(model, request);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            var binaryRead = 0;
            foreach (var input in inputs.EnumerateArray())
            {
                var (name, value) = InferenceInputs.Read(model, input, names, body.Binary, ref binaryRead);
                names.Add(name);
                values.Add(value);
            }

            if (binaryRead != body.Binary.Length)
            {
                throw new InferenceRequestException(
                    $"The body has {body.Binary.Length} bytes of binary data after its JSON header, but the inputs' binary_data_size add up to {binaryRead}.");
            }

            var missing = model.InputNames.Except(names).ToArray();
            if (missing.Length > 0)
            {
                throw new InferenceRequestException($"Missing input(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}: model '{model.Name}' needs {string.Join(", ", model.InputNames)}.");
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
            throw new InferenceRequestException($"ONNX Runtime refused the inputs: {ex.Message}");
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
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
            throw new InferenceRequestException($"Output '{name}' cannot be sent as a V2 tensor: {reason}. Leave it out with the 'outputs' field.");
        }

        var tensor = OrtValue.CreateTensorValueFromMemory(matrix.Values, [matrix.Rows, matrix.Columns]);
        owned.Add(tensor);
        return tensor;
    }

    private static void Dispose(List<IDisposable> owned)
    {
        foreach (var item in owned)
        {
            item.Dispose();
        }

        owned.Clear();
    }

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
