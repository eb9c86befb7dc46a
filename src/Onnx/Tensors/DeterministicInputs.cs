using System.Buffers.Binary;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tensors;

/// <summary>Reproducible pseudo-random input tensors: the same specs and seed give the same bytes in every process.</summary>
public static class DeterministicInputs
{
    /// <summary>Size used for a symbolic or unknown dimension that <c>dims</c> does not name.</summary>
    public const long DefaultSymbolicDimension = 1;

    /// <summary>
    /// One tensor per spec. Floating types get values in [-1,1); integer types in [0,10); bools are random.
    /// Symbolic dimensions are sized from <paramref name="dims"/> by symbol name, else <see cref="DefaultSymbolicDimension"/>.
    /// </summary>
    public static IReadOnlyList<NamedTensor> Create(IReadOnlyList<TensorSpec> inputs, int seed, IReadOnlyDictionary<string, long>? dims = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var tensors = new NamedTensor[inputs.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i] = Create(inputs[i], seed, dims);
        }

        return tensors;
    }

    /// <summary>One tensor for one spec; see <see cref="Create(IReadOnlyList{TensorSpec}, int, IReadOnlyDictionary{string, long}?)"/>.</summary>
    public static NamedTensor Create(TensorSpec spec, int seed, IReadOnlyDictionary<string, long>? dims = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var shape = ResolveShape(spec, dims);
        var type = spec.ElementType;
        var count = ShapeMath.ElementCount(shape);
        var size = ShapeMath.ElementSize(type);
        var data = new byte[checked(count * size)];
        var random = SplitMix64.ForName(seed, spec.Name);
        Fill(type, data, size, ref random);
        return new NamedTensor(spec.Name, type, shape, data);
    }

    /// <summary>The concrete shape of a spec: fixed sizes kept, symbols looked up in <paramref name="dims"/>, the rest <see cref="DefaultSymbolicDimension"/>.</summary>
    public static long[] ResolveShape(TensorSpec spec, IReadOnlyDictionary<string, long>? dims = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var shape = new long[spec.Shape.Count];
        for (var d = 0; d < shape.Length; d++)
        {
            var dim = spec.Shape[d];
            shape[d] = dim.IsFixed ? dim.Size
                : dim.Symbol is not null && dims is not null && dims.TryGetValue(dim.Symbol, out var size) ? size
                : DefaultSymbolicDimension;
            if (shape[d] < 0)
            {
                throw new ArgumentException($"Dimension '{dim.Symbol}' of '{spec.Name}' is set to {shape[d]}; sizes must not be negative.", nameof(dims));
            }
        }

        return shape;
    }

    private static void Fill(TensorElementType type, Span<byte> data, int size, ref SplitMix64 random)
    {
        for (var offset = 0; offset < data.Length; offset += size)
        {
            var slot = data.Slice(offset, size);
            var bits = random.Next();
            switch (type)
            {
                case TensorElementType.Float:
                    BinaryPrimitives.WriteSingleLittleEndian(slot, (float)UnitInterval(bits));
                    break;
                case TensorElementType.Double:
                    BinaryPrimitives.WriteDoubleLittleEndian(slot, UnitInterval(bits));
                    break;
                case TensorElementType.Float16:
                    BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)UnitInterval(bits));
                    break;
                case TensorElementType.BFloat16:
                    // bfloat16 is the top half of a float32.
                    var single = BitConverter.SingleToUInt32Bits((float)UnitInterval(bits));
                    BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)(single >> 16));
                    break;
                case TensorElementType.Bool:
                    slot[0] = (byte)(bits & 1);
                    break;
                default:
                    WriteSmallInteger(slot, (long)(bits % 10));
                    break;
            }
        }
    }

    // Little-endian two's complement: small non-negative values are the low byte followed by zeros.
    private static void WriteSmallInteger(Span<byte> slot, long value)
    {
        slot.Clear();
        slot[0] = (byte)value;
    }

    private static double UnitInterval(ulong bits) => ((bits >> 11) * (1.0 / (1UL << 53)) * 2.0) - 1.0;
}
