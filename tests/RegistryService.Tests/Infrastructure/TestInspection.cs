using Maestro.RegistryService.Infrastructure;
using Maestro.RegistryService.Model;

namespace Maestro.RegistryService.Tests.Infrastructure;

/// <summary>A model's inspection for store tests that record versions without a real file.</summary>
internal static class TestInspection
{
    public static readonly ModelInspection Any = new(
        new ModelSignature([new TensorSpec("features", "FP32", [-1, 3])], [new TensorSpec("probability", "FP32", [-1, 1])]),
        "maestro-samples");
}
