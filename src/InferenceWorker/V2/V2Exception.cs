namespace Maestro.InferenceWorker.V2;

/// <summary>A request the V2 routes refuse; answered as <c>{"error": message}</c> with <see cref="Status"/>.</summary>
internal sealed class V2Exception(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static V2Exception BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
