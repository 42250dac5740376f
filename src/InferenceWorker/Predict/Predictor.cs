using System.Buffers;
using Maestro.InferenceWorker.Batching;
using Maestro.InferenceWorker.Models;
using Maestro.InferenceWorker.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.Predict;

/// <summary>
/// The predict API's view of a model (<c>/api/v1/models/{name}/predict</c>): rows of numbers in, a
/// prediction and its confidence out.
/// Works for models with one numeric input of shape [batch, n] (or [n]) and outputs that are either
/// one probability tensor — a single column is read as the positive class's probability, several
/// columns as one probability per class — or a label tensor beside a probability tensor, which
/// scikit-learn exports (ZipMap) may give as a sequence of maps from class to probability instead.
/// </summary>
internal static class Predictor
{
    public const int MaxFeatures = 1000;

    /// <summary>
    /// Runs every row through the model, as one batch when the first dimension is dynamic, merged with
    /// concurrent requests for the same version by <paramref name="batchers"/>.
    /// </summary>
    public static async Task<(double Prediction, double Probability)[]> PredictAsync(
        LoadedModel model, IReadOnlyList<double[]> rows, ModelBatchers batchers, CancellationToken cancellationToken)
    {
        var (input, width) = Check(model, rows);
        if (!IsBatched(input))
        {
            return RunUnbatched(model, rows);
        }

        // Rows of different widths (models whose feature dimension is dynamic too) are never merged.
        var signature = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{input.ElementDataType}:{width}");
        return await batchers.ForRows(model, Run).SubmitAsync(signature, rows, cancellationToken);
    }

    /// <summary>Runs every row through the model, as one batch when the first dimension is dynamic.</summary>
    public static (double Prediction, double Probability)[] Predict(LoadedModel model, IReadOnlyList<double[]> rows)
    {
        var (input, _) = Check(model, rows);
        return IsBatched(input) ? Run(model, rows) : RunUnbatched(model, rows);
    }

    /// <summary>A model whose first dimension is fixed (or absent) takes one row per run.</summary>
    private static (double Prediction, double Probability)[] RunUnbatched(LoadedModel model, IReadOnlyList<double[]> rows)
    {
        if (rows.Count == 1)
        {
            return Run(model, rows);
        }

        var results = new (double, double)[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            results[i] = Run(model, [rows[i]])[0];
        }

        return results;
    }

    /// <summary>
    /// Runs already checked rows (all of one width) as one tensor [rows, features] — or [features] for
    /// one row of a rank-1 input — copied into a pooled buffer.
    /// </summary>
    public static (double Prediction, double Probability)[] Run(LoadedModel model, IReadOnlyList<double[]> rows)
    {
        var inputName = model.InputNames[0];
        var input = model.InputMetadata[inputName];
        var width = rows[0].Length;
        long[] shape = input.Dimensions.Length == 2 ? [rows.Count, width] : [width];
        var count = rows.Count * width;
        if (input.ElementDataType == TensorElementType.Float)
        {
            var buffer = ArrayPool<float>.Shared.Rent(count);
            try
            {
                var offset = 0;
                foreach (var row in rows)
                {
                    for (var j = 0; j < row.Length; j++)
                    {
                        buffer[offset++] = (float)row[j];
                    }
                }

                using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, count), shape);
                return Run(model, inputName, value, rows.Count);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        }
        else
        {
            var buffer = ArrayPool<double>.Shared.Rent(count);
            try
            {
                var offset = 0;
                foreach (var row in rows)
                {
                    row.CopyTo(buffer.AsSpan(offset));
                    offset += row.Length;
                }

                using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, count), shape);
                return Run(model, inputName, value, rows.Count);
            }
            finally
            {
                ArrayPool<double>.Shared.Return(buffer);
            }
        }
    }

    private static bool IsBatched(NodeMetadata input) => input.Dimensions.Length == 2 && input.Dimensions[0] < 0;

    private static (NodeMetadata Input, int Width) Check(LoadedModel model, IReadOnlyList<double[]> rows)
    {
        if (model.InputNames.Count != 1)
        {
            throw new PredictInputException(
                $"Model '{model.Name}' has {model.InputNames.Count} inputs; predict needs exactly one. Use POST /v2/models/{model.Name}/infer.");
        }

        var input = model.InputMetadata[model.InputNames[0]];
        return (input, Validate(model, input, input.Dimensions, rows));
    }

    private static int Validate(LoadedModel model, NodeMetadata input, int[] dimensions, IReadOnlyList<double[]> rows)
    {
        if (!input.IsTensor || input.ElementDataType is not (TensorElementType.Float or TensorElementType.Double))
        {
            throw new PredictInputException($"Model '{model.Name}' input is not a float tensor; use POST /v2/models/{model.Name}/infer.");
        }

        if (dimensions.Length is not (1 or 2))
        {
            throw new PredictInputException(
                $"Model '{model.Name}' input has shape [{string.Join(", ", dimensions)}]; predict serves [batch, features] inputs. Use POST /v2/models/{model.Name}/infer.");
        }

        var expected = dimensions[^1];
        for (var i = 0; i < rows.Count; i++)
        {
            var features = rows[i];
            var where = rows.Count == 1 ? "" : $" (request {i})";
            if (features.Length == 0 || features.Length > MaxFeatures)
            {
                throw new PredictInputException($"'features'{where} must hold 1 to {MaxFeatures} numbers; it holds {features.Length}.");
            }

            if (expected > 0 && features.Length != expected)
            {
                throw new PredictInputException($"Model '{model.Name}' takes {expected} features; 'features'{where} holds {features.Length}.");
            }

            if (features.Length != rows[0].Length)
            {
                throw new PredictInputException($"Every request in a batch needs the same number of features; request {i} has {features.Length}, request 0 has {rows[0].Length}.");
            }

            for (var j = 0; j < features.Length; j++)
            {
                var value = features[j];
                if (!double.IsFinite(value) || (input.ElementDataType == TensorElementType.Float && !float.IsFinite((float)value)))
                {
                    throw new PredictInputException($"'features'[{j}]{where} is {value}, not a finite number the model can take.");
                }
            }
        }

        return rows[0].Length;
    }

    private static (double, double)[] Run(LoadedModel model, string inputName, OrtValue input, int count)
    {
        using var runOptions = new RunOptions();
        using var outputs = model.Session.Run(runOptions, [inputName], [input], model.OutputNames);
        return Interpret(model, outputs, count);
    }

    private static (double, double)[] Interpret(LoadedModel model, IReadOnlyList<OrtValue> outputs, int count)
    {
        double[]? labels = null;
        double[]? scores = null;
        string? notConvertible = null;
        foreach (var output in outputs)
        {
            if (output.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                // sklearn's ZipMap: one map per row from class label to probability.
                if (scores is null)
                {
                    if (MapSequences.TryToMatrix(output, out var matrix, out var reason))
                    {
                        scores = new double[matrix.Values.Length];
                        for (var i = 0; i < scores.Length; i++)
                        {
                            scores[i] = matrix.Values[i];
                        }
                    }
                    else
                    {
                        notConvertible ??= reason;
                    }
                }

                continue;
            }

            var type = output.GetTensorTypeAndShape().ElementDataType;
            if (type is TensorElementType.Float or TensorElementType.Double)
            {
                scores ??= ReadDoubles(output);
            }
            else if (type is TensorElementType.Int64 or TensorElementType.Int32)
            {
                labels ??= ReadDoubles(output);
            }
        }

        if (scores is null)
        {
            var why = notConvertible is null ? "" : $" (its non-tensor output cannot be read as probabilities: {notConvertible})";
            throw new PredictInputException(
                $"Model '{model.Name}' has no float tensor output to read a probability from{why}; use POST /v2/models/{model.Name}/infer.");
        }

        var width = scores.Length / count;
        if (width == 0)
        {
            throw new PredictInputException($"Model '{model.Name}' answered no probabilities; use POST /v2/models/{model.Name}/infer.");
        }

        var results = new (double, double)[count];
        for (var i = 0; i < count; i++)
        {
            var row = scores.AsSpan(i * width, width);
            if (width == 1)
            {
                var p = row[0];
                results[i] = (labels?[i] ?? (p >= 0.5 ? 1 : 0), Math.Max(p, 1 - p));
            }
            else
            {
                var best = 0;
                for (var j = 1; j < width; j++)
                {
                    if (row[j] > row[best])
                    {
                        best = j;
                    }
                }

                results[i] = (labels?[i] ?? best, row[best]);
            }
        }

        return results;
    }

    private static double[] ReadDoubles(OrtValue value) => value.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => Widen<float>(value),
        TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
        TensorElementType.Int64 => Widen<long>(value),
        TensorElementType.Int32 => Widen<int>(value),
        var other => throw new InvalidOperationException($"Unexpected element type {other}."),
    };

    private static double[] Widen<T>(OrtValue value) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        var source = value.GetTensorDataAsSpan<T>();
        var result = new double[source.Length];
        for (var i = 0; i < source.Length; i++)
        {
            result[i] = double.CreateTruncating(source[i]);
        }

        return result;
    }
}
