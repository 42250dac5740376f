namespace Maestro.Contracts.Tests;

public sealed class V2DatatypesTests
{
    [Fact]
    public void TryParse_EveryName_RoundTripsThroughNameOf()
    {
        Assert.Equal(14, V2Datatypes.Names.Count);
        foreach (var name in V2Datatypes.Names)
        {
            Assert.True(V2Datatypes.TryParse(name, out var type), name);
            Assert.Equal(name, V2Datatypes.NameOf(type));
        }
    }

    [Theory]
    [InlineData("FP32", OnnxElementType.Float)]
    [InlineData("FP16", OnnxElementType.Float16)]
    [InlineData("BF16", OnnxElementType.BFloat16)]
    [InlineData("BYTES", OnnxElementType.String)]
    [InlineData("BOOL", OnnxElementType.Bool)]
    [InlineData("INT64", OnnxElementType.Int64)]
    public void TryParse_V2Name_IsTheOnnxTypeItStandsFor(string name, OnnxElementType expected)
    {
        Assert.True(V2Datatypes.TryParse(name, out var type));
        Assert.Equal(expected, type);
    }

    [Theory]
    [InlineData("fp32")]
    [InlineData("FLOAT")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotAV2Name_IsFalse(string? name) => Assert.False(V2Datatypes.TryParse(name, out _));

    [Fact]
    public void NameOf_TypeV2DoesNotHave_IsItsOnnxNameInCapitals() =>
        Assert.Equal("COMPLEX64", V2Datatypes.NameOf(OnnxElementType.Complex64));

    [Theory]
    [InlineData(OnnxElementType.Bool, 1)]
    [InlineData(OnnxElementType.Int8, 1)]
    [InlineData(OnnxElementType.Float16, 2)]
    [InlineData(OnnxElementType.BFloat16, 2)]
    [InlineData(OnnxElementType.Float, 4)]
    [InlineData(OnnxElementType.UInt32, 4)]
    [InlineData(OnnxElementType.Double, 8)]
    [InlineData(OnnxElementType.Int64, 8)]
    [InlineData(OnnxElementType.String, 0)]
    public void ElementSize_V2Datatype_IsItsWidthInBinaryTensorData(OnnxElementType type, int bytes) =>
        Assert.Equal(bytes, V2Datatypes.ElementSize(type));

    [Fact]
    public void ElementSize_NotAV2Datatype_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => V2Datatypes.ElementSize(OnnxElementType.Complex128));
}
