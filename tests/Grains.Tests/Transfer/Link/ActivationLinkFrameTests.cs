using System.Buffers.Binary;
using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

public sealed class ActivationLinkFrameTests
{
    [Fact]
    public async Task A_header_reads_back_as_written_and_leaves_the_payload_in_the_stream()
    {
        var frame = new ActivationLinkFrame("request-7", "link/request-7/abc", "résumé:0", 5);
        using var stream = new MemoryStream([.. frame.Encode(), 1, 2, 3, 4, 5]);

        var read = await ActivationLinkFrame.ReadAsync(stream, maxLength: 100, CancellationToken.None);

        Assert.Equal(frame, read);
        Assert.Equal(5, stream.Length - stream.Position);
    }

    [Fact]
    public async Task An_empty_stream_is_the_end_of_the_connection()
    {
        using var stream = new MemoryStream();

        Assert.Null(await ActivationLinkFrame.ReadAsync(stream, maxLength: 100, CancellationToken.None));
    }

    [Fact]
    public async Task Bytes_without_the_magic_number_are_refused()
    {
        using var stream = new MemoryStream("GET / HTTP/1.1\r\n"u8.ToArray());

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ActivationLinkFrame.ReadAsync(stream, 100, CancellationToken.None));
        Assert.Contains("magic number", error.Message);
    }

    [Fact]
    public async Task A_frame_larger_than_the_limit_is_refused_before_its_payload_is_read()
    {
        using var stream = new MemoryStream(new ActivationLinkFrame("r", "t", "big", 1001).Encode());

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ActivationLinkFrame.ReadAsync(stream, 1000, CancellationToken.None));
        Assert.Equal("The link frame for tensor 'big' announces 1001 bytes; at most 1000 are accepted.", error.Message);
    }

    [Fact]
    public async Task A_text_field_longer_than_the_limit_is_refused()
    {
        var header = new byte[6];
        BinaryPrimitives.WriteUInt32LittleEndian(header, ActivationLinkFrame.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), ActivationLinkFrame.MaxTextBytes + 1);
        using var stream = new MemoryStream(header);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ActivationLinkFrame.ReadAsync(stream, 100, CancellationToken.None));
        Assert.Contains($"{ActivationLinkFrame.MaxTextBytes + 1} bytes of text", error.Message);
    }
}
