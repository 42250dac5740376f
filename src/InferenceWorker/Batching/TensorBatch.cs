using Maestro.InferenceWorker.Models;
using Microsoft.ML.OnnxRuntime;

namespace Maestro.InferenceWorker.Batching;

/// <summary>
/// Runs several V2 requests of one signature as one ONNX Runtime run: each input is stacked along its
/// first dimension into one native tensor, and each output is cut back into every request's rows.
/// Elements are copied as raw bytes, so every fixed-size datatype works without per-element work.
/// </summary>
internal static class TensorBatch
{
    /// <summary>
    /// The outputs for each row, in order (the same array for every row of a request); the caller owns
    /// (and disposes) them. <paramref name="rows"/> holds each item once per row, as the batcher counts
    /// them. When ONNX Runtime refuses the merged run, every request is run alone, so one request's
    /// data cannot fail the others: a request ONNX Runtime refuses gets its own error.
    /// </summary>
    public static TensorBatchOutcome[] Run(LoadedModel model, IReadOnlyList<TensorBatchItem> rows)
    {
        var items = new List<TensorBatchItem>();
        for (var i = 0; i < rows.Count; i += rows[i].Rows)
        {
            items.Add(rows[i]);
        }

        TensorBatchOutcome[]? perItem = null;
        if (items.Count > 1)
        {
            try
            {
                perItem = RunMerged(model, items, rows.Count)?.Select(outputs => new TensorBatchOutcome(outputs, null)).ToArray();
            }
            catch (OnnxRuntimeException)
            {
                // Run each alone below: only the request at fault sees the error.
            }
        }

        perItem ??= items.Select(item => RunAlone(model, item)).ToArray();
        var results = new TensorBatchOutcome[rows.Count];
        var row = 0;
        for (var i = 0; i < items.Count; i++)
        {
            for (var r = 0; r < items[i].Rows; r++)
            {
                results[row++] = perItem[i];
            }
        }

        return results;
    }

    private static TensorBatchOutcome RunAlone(LoadedModel model, TensorBatchItem item)
    {
        try
        {
            using var runOptions = new RunOptions();
            var outputs = model.Session.Run(runOptions, item.InputNames, item.Inputs, item.OutputNames);
            return new TensorBatchOutcome([.. outputs], null);
        }
        catch (OnnxRuntimeException ex)
        {
            return new TensorBatchOutcome(null, ex);
        }
    }

    /// <summary>The split outputs, or <c>null</c> when an output's first dimension is not the batch (run them alone then).</summary>
    private static OrtValue[][]? RunMerged(LoadedModel model, List<TensorBatchItem> items, int total)
    {
        var first = items[0];
        var merged = new List<OrtValue>(first.Inputs.Count);
        try
        {
            for (var k = 0; k < first.Inputs.Count; k++)
            {
                var info = first.Inputs[k].GetTensorTypeAndShape();
                long[] shape = [total, .. info.Shape.AsSpan(1)];
                var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, info.ElementDataType, shape);
                merged.Add(value);
                var destination = value.GetTensorMutableRawData();
                var offset = 0;
                foreach (var item in items)
                {
                    var source = item.Inputs[k].GetTensorMutableRawData();
                    source.CopyTo(destination[offset..]);
                    offset += source.Length;
                }
            }

            using var runOptions = new RunOptions();
            using var outputs = model.Session.Run(runOptions, first.InputNames, merged, first.OutputNames);
            foreach (var output in outputs)
            {
                if (output.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR || output.GetTensorTypeAndShape().Shape is not [var rows, ..] || rows != total)
                {
                    return null;
                }
            }

            return Split(items, outputs, total);
        }
        finally
        {
            foreach (var value in merged)
            {
                value.Dispose();
            }
        }
    }

    private static OrtValue[][] Split(List<TensorBatchItem> items, IReadOnlyList<OrtValue> outputs, int total)
    {
        var results = items.Select(_ => new OrtValue[outputs.Count]).ToArray();
        try
        {
            for (var o = 0; o < outputs.Count; o++)
            {
                var info = outputs[o].GetTensorTypeAndShape();
                var source = outputs[o].GetTensorMutableRawData();
                var bytesPerRow = source.Length / total;
                var offset = 0;
                for (var i = 0; i < items.Count; i++)
                {
                    long[] shape = [items[i].Rows, .. info.Shape.AsSpan(1)];
                    var part = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, info.ElementDataType, shape);
                    results[i][o] = part;
                    var length = bytesPerRow * items[i].Rows;
                    source.Slice(offset, length).CopyTo(part.GetTensorMutableRawData());
                    offset += length;
                }
            }

            return results;
        }
        catch
        {
            foreach (var value in results.SelectMany(r => r))
            {
                value?.Dispose();
            }

            throw;
        }
    }
}
