using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maestro.Contracts.Tests;

public sealed class OnnxElementTypeTests
{
    /// <summary>The services cast between the two enums: each element type must have the same number and name in both.</summary>
    [Fact]
    public void OnnxElementType_EveryOnnxRuntimeElementType_HasTheSameNumberAndName()
    {
        var runtime = Enum.GetValues<TensorElementType>().Where(type => type != TensorElementType.DataTypeMax).ToArray();

        Assert.Equal(runtime.Select(type => ((int)type, type.ToString())), Enum.GetValues<OnnxElementType>().Select(type => ((int)type, type.ToString())));
    }
}
