using System.Numerics;
using System.Numerics.Tensors;

namespace EdgeCluster.Onnx.Compression;

/// <summary>
/// Per-tensor affine uint8 quantisation with ONNX QuantizeLinear semantics: the range is widened to include 0 (so
/// zeros, e.g. after Relu, stay exact), scale = (max - min) / 255, zero point = round(-min / scale), and
/// code = clamp(round(x / scale) + zero point, 0, 255) with ties to even. Decoding gives (code - zero point) * scale,
/// at most scale / 2 away from x.
/// </summary>
public static class Int8AffineCodec
{
    private const float MaxCode = 255f;

    /// <summary>
    /// Chooses scale and zero point for <paramref name="values"/>; false when a value is NaN or infinite, or the range
    /// is too wide or too narrow for a float scale, in which case the tensor cannot be quantised faithfully.
    /// </summary>
    public static bool TryChooseParameters(ReadOnlySpan<float> values, out float scale, out int zeroPoint)
    {
        scale = 1f;
        zeroPoint = 0;
        if (values.IsEmpty)
        {
            return true;
        }

        var min = TensorPrimitives.Min(values);
        var max = TensorPrimitives.Max(values);
        if (!float.IsFinite(min) || !float.IsFinite(max))
        {
            return false;
        }

        var low = Math.Min(0f, min);
        var high = Math.Max(0f, max);
        if (low == high)
        {
            // All zeros: any scale decodes them exactly.
            return true;
        }

        scale = (high - low) / MaxCode;
        if (!float.IsFinite(scale) || !float.IsNormal(scale) || !float.IsFinite(1f / scale))
        {
            return false;
        }

        zeroPoint = (int)Math.Clamp(MathF.Round(-low / scale), 0f, MaxCode);
        return true;
    }

    /// <summary>Writes one code per value into <paramref name="codes"/> (same length).</summary>
    public static void Quantize(ReadOnlySpan<float> values, Span<byte> codes, float scale, int zeroPoint)
    {
        if (codes.Length != values.Length)
        {
            throw new ArgumentException($"Need {values.Length} code bytes, got {codes.Length}.", nameof(codes));
        }

        var offset = zeroPoint;
        var i = 0;

        // One fused pass (divide, round, shift, clamp, narrow); TensorPrimitives would need four passes and scratch space.
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            var block = Vector<byte>.Count;
            var vScale = new Vector<float>(scale);
            var vOffset = new Vector<float>(offset);
            for (; i <= values.Length - block; i += block)
            {
                var q0 = Code(new Vector<float>(values.Slice(i)), vScale, vOffset);
                var q1 = Code(new Vector<float>(values.Slice(i + width)), vScale, vOffset);
                var q2 = Code(new Vector<float>(values.Slice(i + (2 * width))), vScale, vOffset);
                var q3 = Code(new Vector<float>(values.Slice(i + (3 * width))), vScale, vOffset);
                Vector.Narrow(Vector.Narrow(q0, q1), Vector.Narrow(q2, q3)).CopyTo(codes.Slice(i));
            }
        }

        for (; i < values.Length; i++)
        {
            codes[i] = (byte)Math.Clamp(MathF.Round(values[i] / scale) + offset, 0f, MaxCode);
        }
    }

    /// <summary>Writes (code - zero point) * scale for every code into <paramref name="values"/> (same length).</summary>
    public static void Dequantize(ReadOnlySpan<byte> codes, Span<float> values, float scale, int zeroPoint)
    {
        if (codes.Length != values.Length)
        {
            throw new ArgumentException($"Need {codes.Length} values, got {values.Length}.", nameof(values));
        }

        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            var block = Vector<byte>.Count;
            var vScale = new Vector<float>(scale);
            var vZero = new Vector<float>(zeroPoint);
            for (; i <= codes.Length - block; i += block)
            {
                Vector.Widen(new Vector<byte>(codes.Slice(i)), out var low, out var high);
                Vector.Widen(low, out var q0, out var q1);
                Vector.Widen(high, out var q2, out var q3);
                Value(q0, vZero, vScale).CopyTo(values.Slice(i));
                Value(q1, vZero, vScale).CopyTo(values.Slice(i + width));
                Value(q2, vZero, vScale).CopyTo(values.Slice(i + (2 * width)));
                Value(q3, vZero, vScale).CopyTo(values.Slice(i + (3 * width)));
            }
        }

        for (; i < codes.Length; i++)
        {
            values[i] = (codes[i] - zeroPoint) * scale;
        }
    }

    // Rounded and clamped before the conversion, so it converts an exact integer in [0, 255].
    private static Vector<uint> Code(Vector<float> x, Vector<float> scale, Vector<float> offset)
    {
        var shifted = Vector.Round(x / scale) + offset;
        var clamped = Vector.Min(Vector.Max(shifted, Vector<float>.Zero), new Vector<float>(MaxCode));
        return Vector.AsVectorUInt32(Vector.ConvertToInt32(clamped));
    }

    // code - zero point is a small integer, exact in float, so this rounds once, like the scalar tail.
    private static Vector<float> Value(Vector<uint> code, Vector<float> zeroPoint, Vector<float> scale) =>
        (Vector.ConvertToSingle(Vector.AsVectorInt32(code)) - zeroPoint) * scale;
}
