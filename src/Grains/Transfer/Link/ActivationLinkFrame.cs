using System.Buffers.Binary;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// The header in front of each tensor on a link: magic, request id, transfer id and tensor name (each a 16-bit
/// length and UTF-8), then the payload length; the payload's bytes follow.
/// </summary>
public sealed record ActivationLinkFrame(string RequestId, string TransferId, string TensorName, long Length)
{
    public const uint Magic = 0x45434C31; // "ECL1"

    /// <summary>The longest request id, transfer id or tensor name a frame carries.</summary>
    public const int MaxTextBytes = LinkWire.MaxTextBytes;

    private const int FixedBytes = 4 + 2 + 2 + 2 + 8;

    /// <summary>The header's bytes.</summary>
    public byte[] Encode()
    {
        var request = LinkWire.Text(RequestId);
        var transfer = LinkWire.Text(TransferId);
        var tensor = LinkWire.Text(TensorName);
        var header = new byte[FixedBytes + request.Length + transfer.Length + tensor.Length];
        var span = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        var offset = LinkWire.WriteText(span, 4, request);
        offset = LinkWire.WriteText(span, offset, transfer);
        offset = LinkWire.WriteText(span, offset, tensor);
        BinaryPrimitives.WriteInt64LittleEndian(span[offset..], Length);
        return header;
    }

    /// <summary>Reads one header from <paramref name="stream"/>; null at a clean end of stream, InvalidDataException for anything malformed.</summary>
    public static async Task<ActivationLinkFrame?> ReadAsync(Stream stream, long maxLength, CancellationToken cancellationToken)
    {
        var magic = await LinkWire.ReadMagicAsync(stream, cancellationToken);
        if (magic is null)
        {
            return null;
        }

        return magic == Magic
            ? await ReadAfterMagicAsync(stream, maxLength, cancellationToken)
            : throw new InvalidDataException("The link frame does not start with the EdgeCluster magic number.");
    }

    /// <summary>Reads the rest of a header whose magic number was already read.</summary>
    public static async Task<ActivationLinkFrame> ReadAfterMagicAsync(Stream stream, long maxLength, CancellationToken cancellationToken)
    {
        var request = await LinkWire.ReadTextAsync(stream, cancellationToken);
        var transfer = await LinkWire.ReadTextAsync(stream, cancellationToken);
        var tensor = await LinkWire.ReadTextAsync(stream, cancellationToken);
        var length = await LinkWire.ReadLengthAsync(stream, maxLength, $"tensor '{tensor}'", cancellationToken);
        return new ActivationLinkFrame(request, transfer, tensor, length);
    }
}
