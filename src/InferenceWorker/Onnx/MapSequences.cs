using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.InferenceWorker.Onnx;

/// <summary>
/// Classifiers exported from scikit-learn with ZipMap answer their probabilities as a sequence of maps,
/// one map per row from class label to probability. No V2 datatype is a map, so such an output is
/// served as an FP32 tensor [rows, classes] whose columns are the classes in key order (numbers
/// ascending, strings ordinal). Every row must have the same classes.
/// </summary>
internal static class MapSequences
{
    /// <summary>Whether a model output of this signature is a sequence of maps to FP32 numbers, served as [rows, classes].</summary>
    public static bool IsProbabilityMaps(NodeMetadata metadata) =>
        metadata.OnnxValueType == OnnxValueType.ONNX_TYPE_SEQUENCE
        && metadata.AsSequenceMetadata().ElementMeta is { OnnxValueType: OnnxValueType.ONNX_TYPE_MAP } element
        && element.AsMapMetadata().ValueMetadata is { IsTensor: true, ElementDataType: TensorElementType.Float };

    public static bool TryToMatrix(OrtValue value, [NotNullWhen(true)] out ProbabilityMatrix? matrix, [NotNullWhen(false)] out string? reason)
    {
        matrix = null;
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_SEQUENCE)
        {
            reason = $"it is a {Describe(value.OnnxType)}, not a sequence of maps";
            return false;
        }

        var allocator = OrtAllocator.DefaultInstance;
        var rows = value.GetValueCount();
        string[] classes = [];
        int[] order = [];
        long[]? numericKeys = null;
        string[]? textKeys = null;
        var values = Array.Empty<float>();
        for (var row = 0; row < rows; row++)
        {
            using var map = value.GetValue(row, allocator);
            if (map.OnnxType != OnnxValueType.ONNX_TYPE_MAP)
            {
                reason = $"it is a sequence of {Describe(map.OnnxType)}s, not of maps";
                return false;
            }

            using var keys = map.GetValue(0, allocator);
            using var probabilities = map.GetValue(1, allocator);
            if (!probabilities.IsTensor || probabilities.GetTensorTypeAndShape().ElementDataType != TensorElementType.Float)
            {
                reason = "its maps' values are not FP32 numbers";
                return false;
            }

            var keyType = keys.GetTensorTypeAndShape().ElementDataType;
            if (row == 0)
            {
                string[] labels;
                switch (keyType)
                {
                    case TensorElementType.Int64:
                        numericKeys = keys.GetTensorDataAsSpan<long>().ToArray();
                        order = SortedOrder(numericKeys, Comparer<long>.Default);
                        labels = Array.ConvertAll(numericKeys, k => k.ToString(CultureInfo.InvariantCulture));
                        break;
                    case TensorElementType.String:
                        textKeys = keys.GetStringTensorAsArray();
                        order = SortedOrder(textKeys, StringComparer.Ordinal);
                        labels = textKeys;
                        break;
                    default:
                        reason = $"its maps' keys are {OnnxDatatypes.NameOf(keyType)}; only INT64 and string class labels are served";
                        return false;
                }

                classes = Array.ConvertAll(order, i => labels[i]);
                values = new float[checked(rows * order.Length)];
            }
            else if (!SameKeys(keys, keyType, numericKeys, textKeys))
            {
                reason = $"row {row} has other classes than row 0";
                return false;
            }

            var rowValues = probabilities.GetTensorDataAsSpan<float>();
            if (rowValues.Length != order.Length)
            {
                reason = $"row {row} has {rowValues.Length} probabilities for {order.Length} classes";
                return false;
            }

            var target = values.AsSpan(row * order.Length, order.Length);
            for (var column = 0; column < order.Length; column++)
            {
                target[column] = rowValues[order[column]];
            }
        }

        matrix = new ProbabilityMatrix(values, rows, order.Length, classes);
        reason = null;
        return true;
    }

    private static int[] SortedOrder<T>(T[] keys, IComparer<T> comparer)
    {
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => comparer.Compare(keys[a], keys[b]));
        return order;
    }

    private static bool SameKeys(OrtValue keys, TensorElementType keyType, long[]? numericKeys, string[]? textKeys)
    {
        if (numericKeys is not null)
        {
            return keyType == TensorElementType.Int64 && keys.GetTensorDataAsSpan<long>().SequenceEqual(numericKeys);
        }

        if (keyType != TensorElementType.String || keys.GetTensorTypeAndShape().ElementCount != textKeys!.Length)
        {
            return false;
        }

        for (var i = 0; i < textKeys.Length; i++)
        {
            if (keys.GetStringElement(i) != textKeys[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(OnnxValueType type) => type switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR => "tensor",
        OnnxValueType.ONNX_TYPE_SEQUENCE => "sequence",
        OnnxValueType.ONNX_TYPE_MAP => "map",
        OnnxValueType.ONNX_TYPE_OPTIONAL => "optional value",
        OnnxValueType.ONNX_TYPE_SPARSETENSOR => "sparse tensor",
        _ => "value of unknown kind",
    };
}
