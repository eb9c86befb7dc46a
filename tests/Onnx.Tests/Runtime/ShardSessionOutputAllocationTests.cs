using System.Runtime.InteropServices;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tests.Runtime;

public sealed class ShardSessionOutputAllocationTests
{
    private static ShardSession Doubler()
    {
        var b = new OnnxModelBuilder("doubler", seed: 1);
        b.AddInput("x", TensorElementType.Float, 2L, 3L);
        b.AddNode("Add", "twice", ["x", "x"], ["y"]);
        b.AddOutput("y", TensorElementType.Float, 2L, 3L);
        return new ShardSession(b.ToBytes());
    }

    [Fact]
    public void Outputs_are_written_into_the_arrays_the_allocator_gives()
    {
        using var session = Doubler();
        var given = new List<byte[]>();
        var input = NamedTensor.FromFloats("x", [2, 3], [1, 2, 3, 4, 5, 6]);

        var output = Assert.Single(session.Run([input], allocateOutput: length =>
        {
            var array = new byte[length];
            given.Add(array);
            return array;
        }));

        Assert.Same(Assert.Single(given), output.Data);
        Assert.Equal(24, output.Data.Length);
        Assert.Equal([2f, 4, 6, 8, 10, 12], output.AsFloats().ToArray());
    }

    [Fact]
    public void An_allocator_giving_the_wrong_length_is_refused_with_the_output_named()
    {
        using var session = Doubler();
        var input = NamedTensor.FromFloats("x", [2, 3], [1, 2, 3, 4, 5, 6]);

        var error = Assert.Throws<InvalidOperationException>(() => session.Run([input], allocateOutput: length => new byte[length + 4]));

        Assert.Equal("Output 'y' needs an array of 24 bytes; the allocator gave 28.", error.Message);
    }

    [Fact]
    public void A_run_with_the_last_runs_input_shapes_writes_into_the_allocators_arrays_with_the_right_values()
    {
        using var session = Doubler();
        var given = new List<byte[]>();
        byte[] Allocate(int length)
        {
            var array = new byte[length];
            given.Add(array);
            return array;
        }

        session.Run([NamedTensor.FromFloats("x", [2, 3], [1, 1, 1, 1, 1, 1])], allocateOutput: Allocate);
        var output = Assert.Single(session.Run([NamedTensor.FromFloats("x", [2, 3], [6, 5, 4, 3, 2, 1])], allocateOutput: Allocate));

        Assert.Equal(2, given.Count);
        Assert.Same(given[1], output.Data);
        Assert.Equal([2L, 3], output.Shape);
        Assert.Equal([12f, 10, 8, 6, 4, 2], output.AsFloats().ToArray());
    }

    [Fact]
    public void Output_shapes_that_depend_on_input_values_stay_right_when_the_last_runs_shapes_no_longer_fit()
    {
        var b = new OnnxModelBuilder("nonzero", seed: 1);
        b.AddInput("x", TensorElementType.Float, 4L);
        b.AddNode("NonZero", "where", ["x"], ["y"]);
        b.AddOutput("y", TensorElementType.Int64, 1L, "n");
        using var session = new ShardSession(b.ToBytes());
        IReadOnlyList<long> Run(params float[] x)
        {
            var output = Assert.Single(session.Run([NamedTensor.FromFloats("x", [4], x)], allocateOutput: length => new byte[length]));
            Assert.Equal(1, output.Shape[0]);
            return MemoryMarshal.Cast<byte, long>(output.Data).ToArray();
        }

        Assert.Equal([0L, 2], Run(1, 0, 2, 0));
        Assert.Equal([0L, 1, 2], Run(1, 3, 2, 0));
        Assert.Equal([2L], Run(0, 0, 5, 0));
        Assert.Equal([1L, 3], Run(0, 7, 0, 7));
    }
}
