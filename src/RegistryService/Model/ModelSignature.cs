namespace Maestro.RegistryService.Model;

/// <summary>The inputs and outputs of a model.</summary>
public sealed record ModelSignature(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs);
