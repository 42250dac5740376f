namespace Maestro.InferenceWorker.V2;

/// <summary>An output a V2 request asks for, and whether it goes back as binary data after the JSON.</summary>
internal readonly record struct RequestedOutput(string Name, bool Binary);
