namespace Maestro.Contracts;

/// <summary>
/// ONNX tensor element types, numbered as ONNX's <c>TensorProto.DataType</c> and named as ONNX
/// Runtime's <c>TensorElementType</c> (so a cast between the two keeps the meaning); mirrored here so
/// services that do not load ONNX Runtime can still speak of them.
/// </summary>
public enum OnnxElementType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
}
