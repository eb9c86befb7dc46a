using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Silo.Protocol.V2;
using Google.Protobuf.Collections;

namespace EdgeCluster.Silo.Protocol;

/// <summary>
/// Between the protocol's typed tensor contents and row-major little-endian element bytes (the
/// layout of raw contents and of <see cref="TensorPayload"/>). Assumes a little-endian host, as
/// every platform .NET and ONNX Runtime ship for is.
/// </summary>
public static class TensorContentsCodec
{
    /// <summary>The contents field that carries <paramref name="type"/>, or null when the type travels only as raw bytes (FP16, BF16).</summary>
    public static string? FieldOf(TensorDataType type) => type switch
    {
        TensorDataType.Bool => "bool_contents",
        TensorDataType.Int8 or TensorDataType.Int16 or TensorDataType.Int32 => "int_contents",
        TensorDataType.Int64 => "int64_contents",
        TensorDataType.UInt8 or TensorDataType.UInt16 or TensorDataType.UInt32 => "uint_contents",
        TensorDataType.UInt64 => "uint64_contents",
        TensorDataType.Float => "fp32_contents",
        TensorDataType.Double => "fp64_contents",
        _ => null,
    };

    /// <summary>How many values the field for <paramref name="type"/> holds (0 for types without a field).</summary>
    public static long CountOf(TensorDataType type, InferTensorContents contents) => type switch
    {
        TensorDataType.Bool => contents.BoolContents.Count,
        TensorDataType.Int8 or TensorDataType.Int16 or TensorDataType.Int32 => contents.IntContents.Count,
        TensorDataType.Int64 => contents.Int64Contents.Count,
        TensorDataType.UInt8 or TensorDataType.UInt16 or TensorDataType.UInt32 => contents.UintContents.Count,
        TensorDataType.UInt64 => contents.Uint64Contents.Count,
        TensorDataType.Float => contents.Fp32Contents.Count,
        TensorDataType.Double => contents.Fp64Contents.Count,
        _ => 0,
    };

    /// <summary>Whether any contents field holds a value.</summary>
    public static bool IsEmpty(InferTensorContents? contents) =>
        contents is null || contents.CalculateSize() == 0;

    /// <summary>The values of <paramref name="type"/>'s field as element bytes; values outside the type's range fail naming the tensor.</summary>
    public static byte[] Decode(string tensorName, TensorDataType type, InferTensorContents contents) => type switch
    {
        TensorDataType.Bool => Pack(contents.BoolContents, (v, _) => v ? (byte)1 : (byte)0),
        TensorDataType.Int8 => Pack(contents.IntContents, (v, i) => v is >= sbyte.MinValue and <= sbyte.MaxValue ? (sbyte)v : throw OutOfRange(tensorName, "INT8", v, i)),
        TensorDataType.Int16 => Pack(contents.IntContents, (v, i) => v is >= short.MinValue and <= short.MaxValue ? (short)v : throw OutOfRange(tensorName, "INT16", v, i)),
        TensorDataType.Int32 => Pack(contents.IntContents, (v, _) => v),
        TensorDataType.Int64 => Pack(contents.Int64Contents, (v, _) => v),
        TensorDataType.UInt8 => Pack(contents.UintContents, (v, i) => v <= byte.MaxValue ? (byte)v : throw OutOfRange(tensorName, "UINT8", v, i)),
        TensorDataType.UInt16 => Pack(contents.UintContents, (v, i) => v <= ushort.MaxValue ? (ushort)v : throw OutOfRange(tensorName, "UINT16", v, i)),
        TensorDataType.UInt32 => Pack(contents.UintContents, (v, _) => v),
        TensorDataType.UInt64 => Pack(contents.Uint64Contents, (v, _) => v),
        TensorDataType.Float => Pack(contents.Fp32Contents, (v, _) => v),
        TensorDataType.Double => Pack(contents.Fp64Contents, (v, _) => v),
        _ => throw EdgeClusterException.InvalidArgument(
            $"Input '{tensorName}' is {ProtocolDatatypes.NameOf(type)}, which has no typed contents field; send it in raw_input_contents."),
    };

    /// <summary>Element bytes as typed contents, or null when <paramref name="type"/> has no contents field.</summary>
    public static InferTensorContents? Encode(TensorDataType type, ReadOnlySpan<byte> data)
    {
        var contents = new InferTensorContents();
        switch (type)
        {
            case TensorDataType.Bool:
                Unpack<byte, bool>(data, contents.BoolContents, v => v != 0);
                break;
            case TensorDataType.Int8:
                Unpack<sbyte, int>(data, contents.IntContents, v => v);
                break;
            case TensorDataType.Int16:
                Unpack<short, int>(data, contents.IntContents, v => v);
                break;
            case TensorDataType.Int32:
                Unpack<int, int>(data, contents.IntContents, v => v);
                break;
            case TensorDataType.Int64:
                Unpack<long, long>(data, contents.Int64Contents, v => v);
                break;
            case TensorDataType.UInt8:
                Unpack<byte, uint>(data, contents.UintContents, v => v);
                break;
            case TensorDataType.UInt16:
                Unpack<ushort, uint>(data, contents.UintContents, v => v);
                break;
            case TensorDataType.UInt32:
                Unpack<uint, uint>(data, contents.UintContents, v => v);
                break;
            case TensorDataType.UInt64:
                Unpack<ulong, ulong>(data, contents.Uint64Contents, v => v);
                break;
            case TensorDataType.Float:
                Unpack<float, float>(data, contents.Fp32Contents, v => v);
                break;
            case TensorDataType.Double:
                Unpack<double, double>(data, contents.Fp64Contents, v => v);
                break;
            default:
                return null;
        }

        return contents;
    }

    private static byte[] Pack<TValue, TElement>(RepeatedField<TValue> values, Func<TValue, int, TElement> convert)
        where TElement : unmanaged
    {
        var bytes = new byte[values.Count * Unsafe.SizeOf<TElement>()];
        var elements = MemoryMarshal.Cast<byte, TElement>(bytes.AsSpan());
        for (var i = 0; i < values.Count; i++)
        {
            elements[i] = convert(values[i], i);
        }

        return bytes;
    }

    private static void Unpack<TElement, TValue>(ReadOnlySpan<byte> data, RepeatedField<TValue> target, Func<TElement, TValue> convert)
        where TElement : unmanaged
    {
        var elements = MemoryMarshal.Cast<byte, TElement>(data);
        target.Capacity = elements.Length;
        foreach (var element in elements)
        {
            target.Add(convert(element));
        }
    }

    private static EdgeClusterException OutOfRange(string tensorName, string datatype, long value, int index) =>
        EdgeClusterException.InvalidArgument($"Input '{tensorName}' is {datatype} but value {index} is {value}, outside the range of {datatype}.");
}
