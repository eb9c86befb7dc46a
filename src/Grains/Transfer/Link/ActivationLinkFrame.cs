using System.Buffers.Binary;
using System.Text;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// The header in front of each tensor on a link: magic, request id, transfer id and tensor name (each a 16-bit
/// length and UTF-8), then the payload length; the payload's bytes follow.
/// </summary>
public sealed record ActivationLinkFrame(string RequestId, string TransferId, string TensorName, long Length)
{
    public const uint Magic = 0x45434C31; // "ECL1"

    /// <summary>The longest request id, transfer id or tensor name a frame carries.</summary>
    public const int MaxTextBytes = 1024;

    private const int FixedBytes = 4 + 2 + 2 + 2 + 8;

    /// <summary>The header's bytes.</summary>
    public byte[] Encode()
    {
        var request = Text(RequestId);
        var transfer = Text(TransferId);
        var tensor = Text(TensorName);
        var header = new byte[FixedBytes + request.Length + transfer.Length + tensor.Length];
        var span = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        var offset = 4;
        foreach (var text in (byte[][])[request, transfer, tensor])
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[offset..], (ushort)text.Length);
            text.CopyTo(span[(offset + 2)..]);
            offset += 2 + text.Length;
        }

        BinaryPrimitives.WriteInt64LittleEndian(span[offset..], Length);
        return header;
    }

    /// <summary>Reads one header from <paramref name="stream"/>; null at a clean end of stream, InvalidDataException for anything malformed.</summary>
    public static async Task<ActivationLinkFrame?> ReadAsync(Stream stream, long maxLength, CancellationToken cancellationToken)
    {
        var fixedPart = new byte[4];
        if (await stream.ReadAtLeastAsync(fixedPart, 4, throwOnEndOfStream: false, cancellationToken) == 0)
        {
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(fixedPart) != Magic)
        {
            throw new InvalidDataException("The link frame does not start with the EdgeCluster magic number.");
        }

        var request = await ReadTextAsync(stream, cancellationToken);
        var transfer = await ReadTextAsync(stream, cancellationToken);
        var tensor = await ReadTextAsync(stream, cancellationToken);
        var lengthBytes = new byte[8];
        await stream.ReadExactlyAsync(lengthBytes, cancellationToken);
        var length = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (length < 0 || length > maxLength || length > Array.MaxLength)
        {
            throw new InvalidDataException($"The link frame for tensor '{tensor}' announces {length} bytes; at most {Math.Min(maxLength, Array.MaxLength)} are accepted.");
        }

        return new ActivationLinkFrame(request, transfer, tensor, length);
    }

    private static byte[] Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return bytes.Length <= MaxTextBytes
            ? bytes
            : throw new ArgumentException($"'{value[..32]}…' is longer than the {MaxTextBytes} bytes a link frame allows.", nameof(value));
    }

    private static async Task<string> ReadTextAsync(Stream stream, CancellationToken cancellationToken)
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
}
