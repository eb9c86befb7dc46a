using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Transfer;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Grains.Tests.Transfer;

public sealed class ActivationAssemblerTests
{
    private static readonly byte[] Bytes = Enumerable.Range(0, 10).Select(i => (byte)i).ToArray();

    private readonly ActivationAssembler _assembler = new(Options.Create(new ActivationTransferOptions()));

    [Fact]
    public void Chunks_in_any_order_give_back_the_whole_tensor()
    {
        _assembler.Accept(Chunk("t1", offset: 6, Bytes[6..]));
        _assembler.Accept(Chunk("t1", offset: 0, Bytes[..6]));

        var assembled = Assert.Single(_assembler.Assemble([Staged("t1")]));

        Assert.Equal(Bytes, assembled.Data);
        Assert.Null(assembled.StagedTransfer);
        Assert.Equal(0, _assembler.Pending);
    }

    [Fact]
    public void A_tensor_missing_a_chunk_fails_as_unavailable_naming_what_arrived()
    {
        _assembler.Accept(Chunk("t2", offset: 0, Bytes[..6]));

        var error = Assert.Throws<EdgeClusterException>(() => _assembler.Assemble([Staged("t2")]));

        Assert.Equal(EdgeClusterErrorKind.Unavailable, error.Kind);
        Assert.Equal("Tensor 'a' of transfer t2 did not arrive whole (6 of 10 bytes).", error.Message);
    }

    [Fact]
    public void A_chunk_reaching_past_its_tensor_is_rejected()
    {
        var error = Assert.Throws<EdgeClusterException>(() => _assembler.Accept(Chunk("t3", offset: 8, Bytes[..6])));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("Chunk of tensor 'a' (request r) covers bytes 8..14 of a 10-byte tensor.", error.Message);
    }

    [Fact]
    public void Tensors_that_were_not_staged_pass_through_unchanged()
    {
        TensorPayload[] tensors = [new("b", TensorDataType.Float, [1], [1, 2, 3, 4])];

        Assert.Same(tensors, _assembler.Assemble(tensors));
    }

    private static ActivationChunk Chunk(string transfer, long offset, byte[] data) => new(transfer, "r", "a", offset, Bytes.Length, data);

    private static TensorPayload Staged(string transfer) => new("a", TensorDataType.UInt8, [10], []) { StagedTransfer = transfer };
}
