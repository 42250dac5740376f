namespace Maestro.InferenceWorker.Onnx;

/// <summary>Probabilities as a row-major [<paramref name="Rows"/>, <paramref name="Columns"/>] matrix; <paramref name="Classes"/> names the columns.</summary>
internal sealed record ProbabilityMatrix(float[] Values, int Rows, int Columns, IReadOnlyList<string> Classes);
