using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tests.Runtime;

public sealed class ShardSessionElementTypeTests
{
    public static TheoryData<TensorElementType> Types =>
    [
        TensorElementType.Float, TensorElementType.Double, TensorElementType.Float16, TensorElementType.Int8,
        TensorElementType.UInt8, TensorElementType.Int16, TensorElementType.Int32, TensorElementType.Int64, TensorElementType.Bool,
    ];

    [Theory]
    [MemberData(nameof(Types))]
    public void Identity_RoundTripsBytesOfEveryType(TensorElementType type)
    {
        var b = new OnnxModelBuilder("identity", seed: 1);
        b.AddInput("x", type, "n", 3L);
        b.AddNode("Identity", "id", ["x"], ["y"]);
        b.AddOutput("y", type, "n", 3L);
        using var session = new ShardSession(b.ToBytes());

        var input = DeterministicInputs.Create(session.Inputs, seed: 5, new Dictionary<string, long> { ["n"] = 2 })[0];
        var output = Assert.Single(session.Run([input]));

        Assert.Equal("y", output.Name);
        Assert.Equal(type, output.ElementType);
        Assert.Equal([2L, 3], output.Shape);
        Assert.Equal(input.Data, output.Data);
    }

    [Fact]
    public void SymbolicDimension_IsReportedWithSymbol()
    {
        var b = new OnnxModelBuilder("identity", seed: 1);
        b.AddInput("x", TensorElementType.Float, "n", 3L);
        b.AddNode("Identity", "id", ["x"], ["y"]);
        b.AddOutput("y", TensorElementType.Float, "n", 3L);
        using var session = new ShardSession(b.ToBytes());

        var dims = Assert.Single(session.Inputs).Shape;
        Assert.Equal(new TensorDimension(-1, "n"), dims[0]);
        Assert.Equal(new TensorDimension(3, null), dims[1]);
        Assert.Equal("x: Float[n,3]", session.Inputs[0].ToString());
    }

    [Fact]
    public void SymbolicDimension_AcceptsAnySizeButChecksFixedOnes()
    {
        var b = new OnnxModelBuilder("identity", seed: 1);
        b.AddInput("x", TensorElementType.Float, "n", 3L);
        b.AddNode("Identity", "id", ["x"], ["y"]);
        b.AddOutput("y", TensorElementType.Float, "n", 3L);
        using var session = new ShardSession(b.ToBytes());

        var ok = NamedTensor.FromFloats("x", [4, 3], new float[12]);
        Assert.Equal([4L, 3], session.Run([ok])[0].Shape);
        var bad = NamedTensor.FromFloats("x", [4, 2], new float[8]);
        var e = Assert.Throws<InvalidInputException>(() => session.Run([bad]));
        Assert.Equal("Input 'x' has shape [4,2] but the model expects [n,3].", e.Message);
    }

    [Fact]
    public void ZeroSizedTensor_RunsAndReturnsEmptyData()
    {
        var b = new OnnxModelBuilder("identity", seed: 1);
        b.AddInput("x", TensorElementType.Float, "n", 3L);
        b.AddNode("Identity", "id", ["x"], ["y"]);
        b.AddOutput("y", TensorElementType.Float, "n", 3L);
        using var session = new ShardSession(b.ToBytes());

        var output = Assert.Single(session.Run([NamedTensor.FromFloats("x", [0, 3], [])]));
        Assert.Equal([0L, 3], output.Shape);
        Assert.Empty(output.Data);
    }
}
