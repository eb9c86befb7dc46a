using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Tensors;

namespace EdgeCluster.Silo.Protocol;

/// <summary>
/// A tensor's "data" in the protocol's JSON: numbers (or true/false for BOOL), flat or nested row-major.
/// Non-finite floats, which JSON numbers cannot express, are the strings "NaN", "Infinity" and "-Infinity".
/// </summary>
public static class JsonTensorData
{
    /// <summary>The values of <paramref name="data"/> as little-endian element bytes of <paramref name="type"/>.</summary>
    public static byte[] Read(string tensorName, TensorDataType type, JsonElement data)
    {
        var size = ProtocolDatatypes.ElementSize(type);
        var bytes = new ArrayBufferWriter<byte>();
        var index = 0;
        ReadValues(data);
        return bytes.WrittenSpan.ToArray();

        void ReadValues(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    ReadValues(item);
                }

                return;
            }

            WriteValue(tensorName, type, element, index++, bytes.GetSpan(size)[..size]);
            bytes.Advance(size);
        }
    }

    /// <summary>Writes little-endian element bytes of <paramref name="type"/> as a flat JSON array.</summary>
    public static void Write(Utf8JsonWriter writer, TensorDataType type, ReadOnlySpan<byte> data)
    {
        var size = ProtocolDatatypes.ElementSize(type);
        writer.WriteStartArray();
        for (var offset = 0; offset + size <= data.Length; offset += size)
        {
            var slot = data.Slice(offset, size);
            switch (type)
            {
                case TensorDataType.Bool: writer.WriteBooleanValue(slot[0] != 0); break;
                case TensorDataType.UInt8: writer.WriteNumberValue(slot[0]); break;
                case TensorDataType.Int8: writer.WriteNumberValue((sbyte)slot[0]); break;
                case TensorDataType.UInt16: writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(slot)); break;
                case TensorDataType.Int16: writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(slot)); break;
                case TensorDataType.UInt32: writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(slot)); break;
                case TensorDataType.Int32: writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(slot)); break;
                case TensorDataType.UInt64: writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(slot)); break;
                case TensorDataType.Int64: writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(slot)); break;
                case TensorDataType.Float16: WriteFloat(writer, (float)BinaryPrimitives.ReadHalfLittleEndian(slot)); break;
                case TensorDataType.BFloat16: WriteFloat(writer, BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(slot) << 16)); break;
                case TensorDataType.Float: WriteFloat(writer, BinaryPrimitives.ReadSingleLittleEndian(slot)); break;
                case TensorDataType.Double: WriteDouble(writer, BinaryPrimitives.ReadDoubleLittleEndian(slot)); break;
                default: throw new NotSupportedException($"Element type {type} cannot be written as JSON.");
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(string tensor, TensorDataType type, JsonElement value, int index, Span<byte> slot)
    {
        switch (type)
        {
            case TensorDataType.Bool:
                slot[0] = value.ValueKind switch
                {
                    JsonValueKind.True => 1,
                    JsonValueKind.False => 0,
                    _ => throw Invalid(tensor, "BOOL", value, index, "true or false"),
                };
                break;
            case TensorDataType.UInt8: slot[0] = (byte)Integer(tensor, "UINT8", value, index, byte.MinValue, byte.MaxValue); break;
            case TensorDataType.Int8: slot[0] = (byte)(sbyte)Integer(tensor, "INT8", value, index, sbyte.MinValue, sbyte.MaxValue); break;
            case TensorDataType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)Integer(tensor, "UINT16", value, index, ushort.MinValue, ushort.MaxValue)); break;
            case TensorDataType.Int16: BinaryPrimitives.WriteInt16LittleEndian(slot, (short)Integer(tensor, "INT16", value, index, short.MinValue, short.MaxValue)); break;
            case TensorDataType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(slot, (uint)Integer(tensor, "UINT32", value, index, uint.MinValue, uint.MaxValue)); break;
            case TensorDataType.Int32: BinaryPrimitives.WriteInt32LittleEndian(slot, (int)Integer(tensor, "INT32", value, index, int.MinValue, int.MaxValue)); break;
            case TensorDataType.Int64: BinaryPrimitives.WriteInt64LittleEndian(slot, Integer(tensor, "INT64", value, index, long.MinValue, long.MaxValue)); break;
            case TensorDataType.UInt64:
                BinaryPrimitives.WriteUInt64LittleEndian(slot, value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var u64)
                    ? u64
                    : throw Invalid(tensor, "UINT64", value, index, "an integer from 0 to 18446744073709551615"));
                break;
            case TensorDataType.Float16: BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)Single(tensor, "FP16", value, index)); break;
            case TensorDataType.BFloat16: BinaryPrimitives.WriteUInt16LittleEndian(slot, ToBFloat16(Single(tensor, "BF16", value, index))); break;
            case TensorDataType.Float: BinaryPrimitives.WriteSingleLittleEndian(slot, Single(tensor, "FP32", value, index)); break;
            case TensorDataType.Double: BinaryPrimitives.WriteDoubleLittleEndian(slot, Double(tensor, "FP64", value, index)); break;
            default: throw EdgeClusterException.InvalidArgument($"Input '{tensor}' has element type {type}, which JSON data cannot carry.");
        }
    }

    private static long Integer(string tensor, string datatype, JsonElement value, int index, long min, long max) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer) && integer >= min && integer <= max
            ? integer
            : throw Invalid(tensor, datatype, value, index, $"an integer from {min} to {max}");

    private static float Single(string tensor, string datatype, JsonElement value, int index) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out var number) && float.IsFinite(number) ? number
        : NamedLiteral(value) is { } literal ? (float)literal
        : throw Invalid(tensor, datatype, value, index, "a number in range");

    private static double Double(string tensor, string datatype, JsonElement value, int index) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) ? number
        : NamedLiteral(value) is { } literal ? literal
        : throw Invalid(tensor, datatype, value, index, "a number in range");

    private static double? NamedLiteral(JsonElement value) => value.ValueKind != JsonValueKind.String ? null : value.GetString() switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => null,
    };

    // Round to nearest even, as converting libraries do; NaN keeps a quiet-NaN pattern.
    private static ushort ToBFloat16(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteLiteral(writer, value);
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteLiteral(writer, value);
        }
    }

    private static void WriteLiteral(Utf8JsonWriter writer, double value) =>
        writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");

    private static EdgeClusterException Invalid(string tensor, string datatype, JsonElement value, int index, string expected) =>
        EdgeClusterException.InvalidArgument($"Input '{tensor}' is {datatype} but value {index} is {Shorten(value.GetRawText())}; expected {expected}.");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
