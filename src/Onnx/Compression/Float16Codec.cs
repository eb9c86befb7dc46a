using System.Numerics.Tensors;

namespace EdgeCluster.Onnx.Compression;

/// <summary>float32 to IEEE half and back (round to nearest even); NaN and infinities keep their meaning.</summary>
public static class Float16Codec
{
    /// <summary>Smallest magnitude that rounds to half infinity: values at or above it do not fit.</summary>
    public const float OverflowThreshold = 65520f;

    /// <summary>True when every finite value stays finite in half precision (NaN and infinities are carried as they are).</summary>
    public static bool Fits(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return true;
        }

        var largest = TensorPrimitives.MaxMagnitudeNumber(values);
        if (float.IsNaN(largest) || largest < OverflowThreshold)
        {
            return true;
        }

        if (float.IsFinite(largest))
        {
            return false;
        }

        // An infinity hides the largest finite magnitude; look for one that overflows.
        foreach (var value in values)
        {
            if (float.IsFinite(value) && Math.Abs(value) >= OverflowThreshold)
            {
                return false;
            }
        }

        return true;
    }

    public static void Encode(ReadOnlySpan<float> values, Span<Half> halves) => TensorPrimitives.ConvertToHalf(values, halves);

    public static void Decode(ReadOnlySpan<Half> halves, Span<float> values) => TensorPrimitives.ConvertToSingle(halves, values);
}
