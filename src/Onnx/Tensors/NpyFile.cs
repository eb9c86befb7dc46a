using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tensors;

/// <summary>
/// Reads and writes NumPy .npy files (format versions 1-3, little-endian numeric dtypes, C order).
/// Supported dtypes: &lt;f2 &lt;f4 &lt;f8 |i1 &lt;i2 &lt;i4 &lt;i8 |u1 &lt;u2 &lt;u4 &lt;u8 |b1.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private static readonly (string Code, TensorElementType Type)[] DTypes =
    [
        ("f2", TensorElementType.Float16), ("f4", TensorElementType.Float), ("f8", TensorElementType.Double),
        ("i1", TensorElementType.Int8), ("i2", TensorElementType.Int16), ("i4", TensorElementType.Int32), ("i8", TensorElementType.Int64),
        ("u1", TensorElementType.UInt8), ("u2", TensorElementType.UInt16), ("u4", TensorElementType.UInt32), ("u8", TensorElementType.UInt64),
        ("b1", TensorElementType.Bool),
    ];

    /// <summary>Reads an .npy file into a tensor called <paramref name="name"/>.</summary>
    public static NamedTensor Read(string path, string name)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream, name);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads .npy content from a stream into a tensor called <paramref name="name"/>.</summary>
    public static NamedTensor Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        var preamble = new byte[8];
        ReadExactly(stream, preamble, "the .npy preamble");
        if (!preamble.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not an .npy file: the magic string \\x93NUMPY is missing.");
        }

        var major = preamble[6];
        int headerLength;
        if (major == 1)
        {
            var length = new byte[2];
            ReadExactly(stream, length, "the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(length);
        }
        else if (major is 2 or 3)
        {
            var length = new byte[4];
            ReadExactly(stream, length, "the header length");
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(length));
        }
        else
        {
            throw new InvalidDataException($"Unsupported .npy format version {major}.{preamble[7]}.");
        }

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "the header");
        var (type, shape) = ParseHeader(Encoding.Latin1.GetString(headerBytes));
        var byteCount = checked(ShapeMath.ElementCount(shape) * ShapeMath.ElementSize(type));
        var data = new byte[byteCount];
        ReadExactly(stream, data, $"the {ShapeMath.Format(shape)} data ({byteCount} bytes)");
        return new NamedTensor(name, type, shape, data);
    }

    /// <summary>Writes a tensor as an .npy file (version 1.0, or 2.0 when the header needs it).</summary>
    public static void Write(string path, NamedTensor tensor)
    {
        using var stream = File.Create(path);
        Write(stream, tensor);
    }

    /// <summary>Writes a tensor as .npy content.</summary>
    public static void Write(Stream stream, NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        var code = DTypes.FirstOrDefault(d => d.Type == tensor.ElementType).Code
            ?? throw new NotSupportedException($"Tensor '{tensor.Name}' holds {tensor.ElementType}, which .npy writing does not support.");
        var expected = tensor.ElementCount * ShapeMath.ElementSize(tensor.ElementType);
        if (tensor.Data.LongLength != expected)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' has {tensor.Data.LongLength} bytes but shape {ShapeMath.Format(tensor.Shape)} needs {expected}.", nameof(tensor));
        }

        var descr = (ShapeMath.ElementSize(tensor.ElementType) == 1 ? "|" : "<") + code;
        var dims = tensor.Shape.Length == 1
            ? tensor.Shape[0].ToString(CultureInfo.InvariantCulture) + ","
            : string.Join(", ", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";

        // Pad with spaces so the data starts 64-byte aligned, as NumPy does; the header ends with a newline.
        var version = dict.Length + 1 + 10 <= ushort.MaxValue ? 1 : 2;
        var prefix = version == 1 ? 10 : 12;
        var padded = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = dict.PadRight(padded - prefix - 1) + "\n";

        stream.Write(Magic);
        stream.WriteByte((byte)version);
        stream.WriteByte(0);
        Span<byte> length = stackalloc byte[4];
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
            stream.Write(length[..2]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
            stream.Write(length);
        }

        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(tensor.Data);
    }

    private static (TensorElementType Type, long[] Shape) ParseHeader(string header)
    {
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
        {
            throw new InvalidDataException($"Malformed .npy header: {header.Trim()}");
        }

        if (fortran.Groups[1].Value == "True")
        {
            throw new InvalidDataException("Fortran-order (column-major) .npy arrays are not supported; save with C order (np.ascontiguousarray).");
        }

        var type = ParseDescr(descr.Groups[1].Value);
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = new long[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            var dim = dims[i].TrimEnd('L');
            if (!long.TryParse(dim, NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]))
            {
                throw new InvalidDataException($"Malformed .npy shape '({shape.Groups[1].Value})'.");
            }
        }

        return (type, parsed);
    }

    private static TensorElementType ParseDescr(string descr)
    {
        if (descr.Length == 3)
        {
            var order = descr[0];
            var code = descr[1..];
            var match = DTypes.FirstOrDefault(d => d.Code == code);
            var singleByte = code[1] == '1';
            var littleEnough = order is '<' or '=' || (singleByte && order == '|');
            if (match.Code is not null && littleEnough)
            {
                return match.Type;
            }

            if (match.Code is not null && order == '>' && !singleByte)
            {
                throw new InvalidDataException($".npy dtype '{descr}' is big-endian; only little-endian data is supported.");
            }
        }

        throw new InvalidDataException($".npy dtype '{descr}' is not supported; use one of <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1.");
    }

    private static void ReadExactly(Stream stream, byte[] buffer, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"The .npy content ended early while reading {what}.", e);
        }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
