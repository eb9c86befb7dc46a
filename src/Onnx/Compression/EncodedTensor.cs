using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Compression;

/// <summary>A tensor as it travels under a codec.</summary>
/// <param name="ElementType">The decoded element type (Float whenever <paramref name="Codec"/> is not None).</param>
/// <param name="Shape">The decoded shape.</param>
/// <param name="Codec">The codec <paramref name="Data"/> is in; None when the tensor travels as it is.</param>
/// <param name="Data">The encoded bytes: float16 values for Fp16, uint8 codes for Int8, the raw bytes for None.</param>
/// <param name="Scale">Int8 only: value = (code - ZeroPoint) * Scale.</param>
/// <param name="ZeroPoint">Int8 only: the code of 0.0, in [0, 255].</param>
public sealed record EncodedTensor(
    string Name, TensorElementType ElementType, long[] Shape, ActivationCodec Codec, byte[] Data, float Scale = 0, int ZeroPoint = 0)
{
    /// <summary>Bytes of metadata an Int8 tensor carries besides its codes: a float32 scale and an int32 zero point.</summary>
    public const int AffineHeaderBytes = 8;

    public long ElementCount => ShapeMath.ElementCount(Shape);

    /// <summary>Bytes of tensor content that cross the link: the encoded data plus, for Int8, the scale and zero point.</summary>
    public long WireBytes => Data.LongLength + (Codec == ActivationCodec.Int8 ? AffineHeaderBytes : 0);
}
