using EdgeCluster.Onnx.Batching;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tests.Batching;

public sealed class BatchAssemblyTests
{
    [Fact]
    public void Stacked_requests_come_apart_into_their_own_bytes()
    {
        var one = Floats("x", [1, 3], 1, 2, 3);
        var two = Floats("x", [2, 3], 4, 5, 6, 7, 8, 9);

        var stacked = BatchAssembly.Stack([[one], [two]]).Single();

        Assert.Equal([3L, 3L], stacked.Shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, stacked.AsFloats().ToArray());
        var first = BatchAssembly.Slice(stacked, 3, 0, 1);
        var second = BatchAssembly.Slice(stacked, 3, 1, 2, length => new byte[length]);
        Assert.Equal(one.Data, first.Data);
        Assert.Equal([1L, 3L], first.Shape);
        Assert.Equal(two.Data, second.Data);
        Assert.Equal([2L, 3L], second.Shape);
    }

    [Fact]
    public void Rows_are_axis_0_and_unknown_when_inputs_disagree_or_one_is_a_scalar()
    {
        Assert.Equal(2L, BatchAssembly.Rows([Floats("a", [2, 1], 1, 2), Floats("b", [2], 3, 4)]));
        Assert.Null(BatchAssembly.Rows([Floats("a", [2, 1], 1, 2), Floats("b", [1], 3)]));
        Assert.Null(BatchAssembly.Rows([Floats("a", [], 1)]));
    }

    [Fact]
    public void Requests_share_a_batch_only_with_the_same_tensors_types_and_trailing_sizes()
    {
        var request = new[] { Floats("x", [1, 2], 1, 2) };

        Assert.True(BatchAssembly.Compatible(request, [Floats("x", [3, 2], 1, 2, 3, 4, 5, 6)]));
        Assert.False(BatchAssembly.Compatible(request, [Floats("x", [1, 1], 1)]));
        Assert.False(BatchAssembly.Compatible(request, [Floats("z", [1, 2], 1, 2)]));
        Assert.False(BatchAssembly.Compatible(request, [new NamedTensor("x", TensorElementType.Int32, [1, 2], new byte[8])]));
    }

    [Fact]
    public void An_output_that_does_not_follow_the_batch_cannot_be_sliced()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BatchAssembly.Slice(Floats("sum", [1, 1], 5), 2, 0, 1));

        Assert.Equal("Output 'sum' has shape [1,1], which does not follow the batch of 2 rows on its first axis.", error.Message);
    }

    private static NamedTensor Floats(string name, long[] shape, params float[] values) =>
        new(name, TensorElementType.Float, shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
}
