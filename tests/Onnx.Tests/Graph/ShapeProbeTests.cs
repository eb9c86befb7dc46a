using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tests.Partitioning;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tests.Graph;

[Collection(ResNet18AnalysisCollection.Name)]
public sealed class ShapeProbeTests(ResNet18AnalysisFixture fixture)
{
    [Fact]
    public void ResNet18_ShapesComeFromItsValueInfo()
    {
        var tensors = fixture.Analysis.Tensors;

        Assert.Equal([1L, 64, 112, 112], tensors["ReLU253_Output_0"].Shape);
        Assert.Equal(802816, tensors["Pooling255_Output_0"].Bytes);
        Assert.Equal([1L, 512, 1, 1], tensors[ResNet18.OutputName].Shape);
        Assert.All(fixture.Graph.Nodes.SelectMany(n => n.Outputs), o => Assert.Equal(TensorElementType.Float, tensors[o].ElementType));
    }

    [Fact]
    public void UNet_IntermediateShapesAreMeasuredByOneRun()
    {
        var graph = OnnxGraph.Load(UNetModel.Build());
        Assert.Empty(graph.Model.Graph.ValueInfo);

        var tensors = ShapeProbe.Measure(graph);

        Assert.All(graph.Nodes.SelectMany(n => n.Outputs), o => Assert.True(tensors.ContainsKey(o), o));
        Assert.Equal([1L, 8, 32, 32], tensors["enc1_relu_out"].Shape);
        Assert.Equal([1L, 48, 16, 16], tensors["skip2_concat_out"].Shape);
        Assert.Equal(1 * 48 * 16 * 16 * 4, tensors["skip2_concat_out"].Bytes);
    }

    [Fact]
    public void Transformer_BatchAxisStaysSymbolicAndTakesTheGivenSize()
    {
        var graph = OnnxGraph.Load(TransformerModel.Build(blocks: 1));

        var tensors = ShapeProbe.Measure(graph, dims: new Dictionary<string, long> { [TransformerModel.BatchSymbol] = 3 });

        var ln = tensors["block0_ln1_out"];
        Assert.Equal([3L, 16, 64], ln.Shape);
        Assert.Equal(TransformerModel.BatchSymbol, ln.Dimensions[0].Symbol);
        Assert.Equal([16L, 64], ln.Dimensions.Skip(1).Select(d => d.Size));
        Assert.All(tensors.Values.Where(t => graph.Initializers.ContainsKey(t.Name)), t => Assert.All(t.Dimensions, d => Assert.True(d.IsFixed)));
    }
}
