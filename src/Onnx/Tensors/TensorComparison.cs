using System.Buffers.Binary;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tensors;

/// <summary>Numeric comparisons of floating-point tensors (Float, Double, Float16, BFloat16), computed in double.</summary>
public static class TensorComparison
{
    /// <summary>Largest |a[i] - b[i]|; NaN if any difference is NaN. Throws <see cref="ArgumentException"/> on type or shape mismatch.</summary>
    public static double MaxAbsDiff(NamedTensor a, NamedTensor b)
    {
        var (x, y) = Pair(a, b);
        var max = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var diff = Math.Abs(x[i] - y[i]);
            if (double.IsNaN(diff))
            {
                return double.NaN;
            }

            max = Math.Max(max, diff);
        }

        return max;
    }

    /// <summary>Largest |t[i]| (0 for an empty tensor); NaN if any element is NaN.</summary>
    public static double MaxAbs(NamedTensor tensor)
    {
        var max = 0.0;
        foreach (var value in ToDoubles(tensor))
        {
            if (double.IsNaN(value))
            {
                return double.NaN;
            }

            max = Math.Max(max, Math.Abs(value));
        }

        return max;
    }

    /// <summary>Cosine of the angle between the flattened tensors; 1 when both are all zeros, 0 when exactly one is.</summary>
    public static double CosineSimilarity(NamedTensor a, NamedTensor b)
    {
        var (x, y) = Pair(a, b);
        double dot = 0, nx = 0, ny = 0;
        for (var i = 0; i < x.Length; i++)
        {
            dot += x[i] * y[i];
            nx += x[i] * x[i];
            ny += y[i] * y[i];
        }

        if (nx == 0 || ny == 0)
        {
            return nx == ny ? 1.0 : 0.0;
        }

        return dot / (Math.Sqrt(nx) * Math.Sqrt(ny));
    }

    /// <summary>The elements of a floating-point tensor widened to double.</summary>
    public static double[] ToDoubles(NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var data = tensor.Data.AsSpan();
        var size = tensor.ElementType switch
        {
            TensorElementType.Float => 4,
            TensorElementType.Double => 8,
            TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
            _ => throw new ArgumentException($"Tensor '{tensor.Name}' holds {tensor.ElementType}; only floating-point tensors can be compared.", nameof(tensor)),
        };
        if (data.Length != tensor.ElementCount * size)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' has {data.Length} bytes but shape {ShapeMath.Format(tensor.Shape)} needs {tensor.ElementCount * size}.", nameof(tensor));
        }

        var values = new double[data.Length / size];
        for (var i = 0; i < values.Length; i++)
        {
            var slot = data.Slice(i * size, size);
            values[i] = tensor.ElementType switch
            {
                TensorElementType.Float => BinaryPrimitives.ReadSingleLittleEndian(slot),
                TensorElementType.Double => BinaryPrimitives.ReadDoubleLittleEndian(slot),
                TensorElementType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(slot),
                _ => BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(slot) << 16),
            };
        }

        return values;
    }

    private static (double[] A, double[] B) Pair(NamedTensor a, NamedTensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.ElementType != b.ElementType)
        {
            throw new ArgumentException($"Cannot compare '{a.Name}' ({a.ElementType}) with '{b.Name}' ({b.ElementType}): element types differ.");
        }

        if (!a.Shape.AsSpan().SequenceEqual(b.Shape))
        {
            throw new ArgumentException($"Cannot compare '{a.Name}' {ShapeMath.Format(a.Shape)} with '{b.Name}' {ShapeMath.Format(b.Shape)}: shapes differ.");
        }

        return (ToDoubles(a), ToDoubles(b));
    }
}
