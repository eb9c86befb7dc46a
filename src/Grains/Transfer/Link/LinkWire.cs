using System.Buffers.Binary;
using System.Text;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>The pieces every link frame is made of: a 32-bit magic number, texts (16-bit length and UTF-8) and 64-bit lengths, little-endian.</summary>
public static class LinkWire
{
    /// <summary>The longest text a frame carries.</summary>
    public const int MaxTextBytes = 1024;

    public static byte[] Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return bytes.Length <= MaxTextBytes
            ? bytes
            : throw new ArgumentException($"'{value[..32]}…' is longer than the {MaxTextBytes} bytes a link frame allows.", nameof(value));
    }

    /// <summary>Writes <paramref name="text"/> with its length at <paramref name="offset"/>; returns the offset after it.</summary>
    public static int WriteText(Span<byte> span, int offset, byte[] text)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span[offset..], (ushort)text.Length);
        text.CopyTo(span[(offset + 2)..]);
        return offset + 2 + text.Length;
    }

    /// <summary>The frame's magic number; null at a clean end of stream.</summary>
    public static async Task<uint?> ReadMagicAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new byte[4];
        var read = await stream.ReadAtLeastAsync(bytes, 4, throwOnEndOfStream: false, cancellationToken);
        return read switch
        {
            0 => null,
            < 4 => throw new EndOfStreamException("The link connection closed inside a frame's magic number."),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        };
    }

    public static async Task<string> ReadTextAsync(Stream stream, CancellationToken cancellationToken)
    {
        var lengthBytes = new byte[2];
        await stream.ReadExactlyAsync(lengthBytes, cancellationToken);
        var length = BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes);
        if (length > MaxTextBytes)
        {
            throw new InvalidDataException($"A link frame field announces {length} bytes of text; at most {MaxTextBytes} are accepted.");
        }

        var text = new byte[length];
        await stream.ReadExactlyAsync(text, cancellationToken);
        return Encoding.UTF8.GetString(text);
    }

    /// <summary>A payload length, checked against what the reader accepts.</summary>
    public static async Task<long> ReadLengthAsync(Stream stream, long maxLength, string what, CancellationToken cancellationToken)
    {
        var bytes = new byte[8];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        var length = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var limit = Math.Min(maxLength, Array.MaxLength);
        return length >= 0 && length <= limit
            ? length
            : throw new InvalidDataException($"The link frame for {what} announces {length} bytes; at most {limit} are accepted.");
    }
}
