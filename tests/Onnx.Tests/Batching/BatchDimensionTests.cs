using EdgeCluster.Onnx.Batching;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tests.Graph;
using Onnx;

namespace EdgeCluster.Onnx.Tests.Batching;

public sealed class BatchDimensionTests
{
    [Fact]
    public void ResNet18s_input_and_output_take_the_batch_symbol_and_no_declared_shape_keeps_a_batch_of_one()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18.ModelPath));

        var symbolic = BatchDimension.MakeSymbolic(model);

        Assert.Equal("batch", symbolic.Graph.Input.Single(i => i.Name == ResNet18.InputName).Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("batch", symbolic.Graph.Output.Single().Type.TensorType.Shape.Dim[0].DimParam);
        Assert.DoesNotContain(symbolic.Graph.ValueInfo, v => v.Type.TensorType.Shape.Dim is [{ DimValue: 1 }, ..]);
        Assert.Equal(1, model.Graph.Input.Single(i => i.Name == ResNet18.InputName).Type.TensorType.Shape.Dim[0].DimValue);
    }

    [Fact]
    public void An_input_already_symbolic_on_axis_0_keeps_its_symbol()
    {
        var graph = new GraphProto { Name = "named" };
        graph.Input.Add(TinyGraphs.Tensor("x", "N", 4));
        graph.Output.Add(TinyGraphs.Tensor("y", "N", 4));
        graph.Node.Add(TinyGraphs.Node("Relu", "relu", ["x"], ["y"]));

        var symbolic = BatchDimension.MakeSymbolic(ModelProto.Parser.ParseFrom(TinyGraphs.Model(graph)));

        Assert.Equal("N", symbolic.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal("N", symbolic.Graph.Output[0].Type.TensorType.Shape.Dim[0].DimParam);
    }

    [Fact]
    public void An_input_whose_first_dimension_is_not_1_has_no_batch_axis()
    {
        var graph = new GraphProto { Name = "eight" };
        graph.Input.Add(TinyGraphs.Tensor("x", 8, 4));
        graph.Output.Add(TinyGraphs.Tensor("y", 8, 4));
        graph.Node.Add(TinyGraphs.Node("Relu", "relu", ["x"], ["y"]));

        var error = Assert.Throws<InvalidModelException>(() => BatchDimension.MakeSymbolic(ModelProto.Parser.ParseFrom(TinyGraphs.Model(graph))));

        Assert.Equal("Input 'x' has no batch axis: its first dimension is 8, not 1 or a symbol.", error.Message);
    }

    [Fact]
    public void Inputs_naming_different_symbols_on_axis_0_are_refused()
    {
        var graph = new GraphProto { Name = "two-symbols" };
        graph.Input.Add(TinyGraphs.Tensor("a", "N", 4));
        graph.Input.Add(TinyGraphs.Tensor("b", "M", 4));
        graph.Output.Add(TinyGraphs.Tensor("y", "N", 4));
        graph.Node.Add(TinyGraphs.Node("Add", "add", ["a", "b"], ["y"]));

        var error = Assert.Throws<InvalidModelException>(() => BatchDimension.MakeSymbolic(ModelProto.Parser.ParseFrom(TinyGraphs.Model(graph))));

        Assert.Equal("The inputs' first dimensions name different symbols (M, N); one batch axis is needed.", error.Message);
    }
}
