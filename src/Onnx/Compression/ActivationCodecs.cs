using System.Runtime.InteropServices;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Compression;

/// <summary>
/// Encodes float activations for a link and decodes them on the far side. Only Float tensors are compressed; other
/// element types, and float tensors a codec cannot represent (Int8: NaN or infinity; Fp16: finite values beyond the
/// half range), travel unchanged as <see cref="ActivationCodec.None"/>, so decoding is always faithful to the codec
/// that was actually applied.
/// </summary>
public static class ActivationCodecs
{
    /// <summary>Every codec, from lossless to smallest.</summary>
    public static IReadOnlyList<ActivationCodec> All { get; } = [ActivationCodec.None, ActivationCodec.Fp16, ActivationCodec.Int8];

    /// <summary>The command-line name: none, fp16, int8.</summary>
    public static string Name(ActivationCodec codec) => codec switch
    {
        ActivationCodec.None => "none",
        ActivationCodec.Fp16 => "fp16",
        ActivationCodec.Int8 => "int8",
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, $"Unknown activation codec {(int)codec}."),
    };

    /// <summary>Parses none, fp16 or int8 (any case); throws <see cref="ArgumentException"/> naming the valid choices.</summary>
    public static ActivationCodec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var codec in All)
        {
            if (string.Equals(Name(codec), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return codec;
            }
        }

        throw new ArgumentException($"'{text}' is not an activation codec; use one of {string.Join(", ", All.Select(Name))}.", nameof(text));
    }

    /// <summary>Bytes a tensor of <paramref name="elementCount"/> elements of <paramref name="type"/> puts on the wire under <paramref name="codec"/>.</summary>
    public static long WireBytes(ActivationCodec codec, TensorElementType type, long elementCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementCount);
        if (type != TensorElementType.Float)
        {
            return elementCount * ShapeMath.ElementSize(type);
        }

        return codec switch
        {
            ActivationCodec.None => elementCount * sizeof(float),
            ActivationCodec.Fp16 => elementCount * 2,
            ActivationCodec.Int8 => elementCount + EncodedTensor.AffineHeaderBytes,
            _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, $"Unknown activation codec {(int)codec}."),
        };
    }

    /// <summary>Encodes <paramref name="tensor"/>; the result's <see cref="EncodedTensor.Codec"/> says what was actually applied.</summary>
    public static EncodedTensor Encode(NamedTensor tensor, ActivationCodec codec)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _ = Name(codec);
        var unchanged = new EncodedTensor(tensor.Name, tensor.ElementType, tensor.Shape, ActivationCodec.None, tensor.Data);
        if (codec == ActivationCodec.None || tensor.ElementType != TensorElementType.Float)
        {
            return unchanged;
        }

        var values = CheckedFloats(tensor);
        switch (codec)
        {
            case ActivationCodec.Fp16 when Float16Codec.Fits(values):
            {
                var data = GC.AllocateUninitializedArray<byte>(values.Length * 2);
                Float16Codec.Encode(values, MemoryMarshal.Cast<byte, Half>(data.AsSpan()));
                return unchanged with { Codec = ActivationCodec.Fp16, Data = data };
            }

            case ActivationCodec.Int8 when Int8AffineCodec.TryChooseParameters(values, out var scale, out var zeroPoint):
            {
                var data = GC.AllocateUninitializedArray<byte>(values.Length);
                Int8AffineCodec.Quantize(values, data, scale, zeroPoint);
                return unchanged with { Codec = ActivationCodec.Int8, Data = data, Scale = scale, ZeroPoint = zeroPoint };
            }

            default:
                return unchanged;
        }
    }

    /// <summary>The tensor an encoded one stands for; throws <see cref="InvalidDataException"/> when the encoding is inconsistent.</summary>
    public static NamedTensor Decode(EncodedTensor encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentNullException.ThrowIfNull(encoded.Data);
        ArgumentNullException.ThrowIfNull(encoded.Shape);
        if (encoded.Codec == ActivationCodec.None)
        {
            return new NamedTensor(encoded.Name, encoded.ElementType, encoded.Shape, encoded.Data);
        }

        if (encoded.ElementType != TensorElementType.Float)
        {
            throw new InvalidDataException($"Tensor '{encoded.Name}' is {encoded.ElementType} encoded as {Name(encoded.Codec)}; only Float tensors are encoded.");
        }

        var count = encoded.ElementCount;
        var expected = WireBytes(encoded.Codec, TensorElementType.Float, count) - (encoded.Codec == ActivationCodec.Int8 ? EncodedTensor.AffineHeaderBytes : 0);
        if (encoded.Data.LongLength != expected)
        {
            throw new InvalidDataException(
                $"Tensor '{encoded.Name}' encoded as {Name(encoded.Codec)} has {encoded.Data.LongLength} bytes but shape {ShapeMath.Format(encoded.Shape)} needs {expected}.");
        }

        var data = GC.AllocateUninitializedArray<byte>(checked((int)(count * sizeof(float))));
        var values = MemoryMarshal.Cast<byte, float>(data.AsSpan());
        if (encoded.Codec == ActivationCodec.Fp16)
        {
            Float16Codec.Decode(MemoryMarshal.Cast<byte, Half>(encoded.Data.AsSpan()), values);
        }
        else
        {
            if (!float.IsNormal(encoded.Scale) || encoded.Scale < 0 || encoded.ZeroPoint is < 0 or > 255)
            {
                throw new InvalidDataException(
                    $"Tensor '{encoded.Name}' encoded as int8 has scale {encoded.Scale} and zero point {encoded.ZeroPoint}; the scale must be a positive normal float and the zero point within [0, 255].");
            }

            Int8AffineCodec.Dequantize(encoded.Data, values, encoded.Scale, encoded.ZeroPoint);
        }

        return new NamedTensor(encoded.Name, TensorElementType.Float, encoded.Shape, data);
    }

    private static ReadOnlySpan<float> CheckedFloats(NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor.Data);
        ArgumentNullException.ThrowIfNull(tensor.Shape);
        var expected = tensor.ElementCount * sizeof(float);
        if (tensor.Data.LongLength != expected)
        {
            throw new ArgumentException(
                $"Tensor '{tensor.Name}' has {tensor.Data.LongLength} bytes but shape {ShapeMath.Format(tensor.Shape)} of Float needs {expected}.", nameof(tensor));
        }

        return tensor.AsFloats();
    }
}
