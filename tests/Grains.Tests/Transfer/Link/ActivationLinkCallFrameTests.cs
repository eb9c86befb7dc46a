using EdgeCluster.Grains.Transfer.Link;

namespace EdgeCluster.Grains.Tests.Transfer.Link;

public sealed class ActivationLinkCallFrameTests
{
    [Fact]
    public async Task A_call_header_reads_back_as_written_and_leaves_the_request_in_the_stream()
    {
        var call = new ActivationLinkCallFrame(
            ActivationLinkMethod.RunStage, "device-2/resnet18/1", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=1", 3);
        using var stream = new MemoryStream([.. call.Encode(), 7, 8, 9]);

        Assert.Equal(ActivationLinkCallFrame.Magic, await LinkWire.ReadMagicAsync(stream, CancellationToken.None));
        var read = await ActivationLinkCallFrame.ReadAfterMagicAsync(stream, maxLength: 100, CancellationToken.None);

        Assert.Equal(call, read);
        Assert.Equal(3, stream.Length - stream.Position);
    }

    [Fact]
    public async Task A_call_naming_an_unknown_method_is_refused()
    {
        var bytes = new ActivationLinkCallFrame(ActivationLinkMethod.Infer, "device-1/m/0", "", "", 0).Encode();
        bytes[4] = 9;
        using var stream = new MemoryStream(bytes[4..]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ActivationLinkCallFrame.ReadAfterMagicAsync(stream, 100, CancellationToken.None));
        Assert.Equal("The link call names method 9, which does not exist.", error.Message);
    }

    [Fact]
    public async Task A_call_announcing_more_than_the_limit_is_refused()
    {
        using var stream = new MemoryStream(new ActivationLinkCallFrame(ActivationLinkMethod.Infer, "device-1/m/0", "", "", 101).Encode()[4..]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ActivationLinkCallFrame.ReadAfterMagicAsync(stream, 100, CancellationToken.None));
        Assert.Equal("The link frame for the call to 'device-1/m/0' announces 101 bytes; at most 100 are accepted.", error.Message);
    }

    [Fact]
    public async Task A_reply_reads_back_with_its_body()
    {
        using var stream = new MemoryStream([.. new ActivationLinkReplyFrame(Failed: true, 2).Encode(), 5, 6]);

        var (frame, body) = await ActivationLinkReplyFrame.ReadAsync(stream, 100, CancellationToken.None);

        Assert.Equal(new ActivationLinkReplyFrame(true, 2), frame);
        Assert.Equal([5, 6], body);
    }

    [Fact]
    public async Task An_answer_that_is_not_a_reply_frame_is_refused()
    {
        using var stream = new MemoryStream(new ActivationLinkFrame("r", "t", "x", 0).Encode());

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ActivationLinkReplyFrame.ReadAsync(stream, 100, CancellationToken.None));
        Assert.Equal("The link's answer is not an EdgeCluster reply frame.", error.Message);
    }
}
