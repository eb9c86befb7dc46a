using System.Buffers.Binary;

namespace EdgeCluster.Grains.Transfer.Link;

/// <summary>
/// The answer to an <see cref="ActivationLinkCallFrame"/>: magic, whether the call failed, and the length of what
/// follows: the serialized result, or the serialized exception the call failed with.
/// </summary>
public sealed record ActivationLinkReplyFrame(bool Failed, long Length)
{
    public const uint Magic = 0x45435231; // "ECR1"

    private const int HeaderBytes = 4 + 1 + 8;

    public byte[] Encode()
    {
        var header = new byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        header[4] = Failed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(5), Length);
        return header;
    }

    /// <summary>Reads a reply header and its body; EndOfStreamException when the connection closed first.</summary>
    public static async Task<(ActivationLinkReplyFrame Frame, byte[] Body)> ReadAsync(Stream stream, long maxLength, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderBytes];
        await stream.ReadExactlyAsync(header, cancellationToken);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || header[4] > 1)
        {
            throw new InvalidDataException("The link's answer is not an EdgeCluster reply frame.");
        }

        var length = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(5));
        if (length < 0 || length > Math.Min(maxLength, Array.MaxLength))
        {
            throw new InvalidDataException($"The link's answer announces {length} bytes; at most {Math.Min(maxLength, Array.MaxLength)} are accepted.");
        }

        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return (new ActivationLinkReplyFrame(header[4] == 1, length), body);
    }
}
