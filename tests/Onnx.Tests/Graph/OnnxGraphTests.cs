using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tests.Partitioning;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace EdgeCluster.Onnx.Tests.Graph;

[Collection(ResNet18AnalysisCollection.Name)]
public sealed class OnnxGraphTests(ResNet18AnalysisFixture fixture)
{
    [Fact]
    public void ResNet18_TopologicalOrderCoversEveryNodeAfterItsProducers()
    {
        var graph = fixture.Graph;

        Assert.Equal(74, graph.Nodes.Count);
        Assert.Equal(Enumerable.Range(0, 74), graph.Nodes.Select(n => n.OriginalIndex).Order());
        Assert.Equal(Enumerable.Range(0, 74), graph.Nodes.Select(n => n.Index));
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs)
            {
                var producer = graph.Producer(input);
                Assert.True(
                    producer is null ? graph.IsRawInput(input) || graph.IsInitializer(input) : producer.Index < node.Index,
                    $"{node} reads '{input}' before it is produced.");
            }
        }
    }

    [Fact]
    public void ResNet18_DeclaresOneInputAndOneOutput()
    {
        var graph = fixture.Graph;

        Assert.Equal(3, graph.IrVersion);
        Assert.Equal(8, graph.DefaultOpsetVersion);
        Assert.Equal(110, graph.Initializers.Count);
        var input = Assert.Single(graph.Inputs);
        Assert.Equal(ResNet18.InputName, input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([1L, 3, 224, 224], input.Shape.Select(d => d.Size));
        Assert.Equal(ResNet18.OutputName, Assert.Single(graph.Outputs).Name);
        Assert.Equal("ResNet18", graph.Name);
    }

    [Fact]
    public void IrVersion3_InitializersListedAsInputsAreNotDataInputs()
    {
        var graph = OnnxGraph.Load(TinyGraphs.Ir3Model());

        Assert.Equal(3, graph.Model.Graph.Input.Count);
        Assert.Equal("x", Assert.Single(graph.Inputs).Name);
        Assert.True(graph.IsInitializer("w"));
        Assert.False(graph.IsRawInput("w"));
    }

    [Fact]
    public void UnsortedGraph_IsSortedPreferringFileOrder()
    {
        var graph = OnnxGraph.Load(TinyGraphs.UnsortedModel());

        // Ready at start: const (file #2) and first (#3); the earlier one in the file goes first.
        Assert.Equal(["const", "first", "middle", "last"], graph.Nodes.Select(n => n.Name));
        Assert.Equal([2, 3, 1, 0], graph.Nodes.Select(n => n.OriginalIndex));
    }

    [Fact]
    public void IfNode_ListsOuterScopeTensorsOfItsBranchesAsInputs()
    {
        var graph = OnnxGraph.Load(TinyGraphs.IfModel());
        var ifNode = graph.Nodes.Single(n => n.OpType == "If");

        Assert.Equal(["a", "b"], ifNode.ImplicitInputs);
        Assert.Equal(["c", "a", "b"], ifNode.Inputs);
        Assert.Equal(4, ifNode.Index);
    }

    [Fact]
    public void Cycle_IsRejected()
    {
        var e = Assert.Throws<InvalidModelException>(() => OnnxGraph.Load(TinyGraphs.CyclicModel()));

        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);
        Assert.Contains("'one'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TensorWithTwoProducers_IsRejected()
    {
        var e = Assert.Throws<InvalidModelException>(() => OnnxGraph.Load(TinyGraphs.DoubleProducerModel()));

        Assert.Contains("'y' is produced by both node 'one' (Relu) and node 'two' (Neg)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyBytes_AreRejected()
    {
        var e = Assert.Throws<InvalidModelException>(() => OnnxGraph.Load([]));

        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedResNet18_IsRejected()
    {
        var truncated = fixture.Graph.ToBytes().AsSpan(0, 1_000_000).ToArray();

        var e = Assert.Throws<InvalidModelException>(() => OnnxGraph.Load(truncated));

        Assert.Contains("not a valid ONNX model", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hello, this is not a model")]
    [InlineData("\u0008\u0003\u0012\u0000garbage\u00ff\u00fe")]
    public void NonOnnxBytes_AreRejected(string text)
    {
        var bytes = System.Text.Encoding.Latin1.GetBytes(text);

        Assert.Throws<InvalidModelException>(() => OnnxGraph.Load(bytes));
    }

    [Fact]
    public void RandomBytes_AreRejected()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);

        Assert.Throws<InvalidModelException>(() => OnnxGraph.Load(bytes));
    }

    [Fact]
    public void ModelWithoutGraph_IsRejected()
    {
        var model = new ModelProto { IrVersion = 8 };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });

        var e = Assert.Throws<InvalidModelException>(() => OnnxGraph.Load(model.ToByteArray()));

        Assert.Contains("no graph", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphWithoutNodes_IsRejected()
    {
        var graph = new GraphProto { Name = "hollow" };
        graph.Input.Add(TinyGraphs.Tensor("x", 4));
        graph.Output.Add(TinyGraphs.Tensor("x", 4));

        var e = Assert.Throws<InvalidModelException>(() => OnnxGraph.Load(TinyGraphs.Model(graph)));

        Assert.Equal("The ONNX graph 'hollow' has no nodes.", e.Message);
    }

    [Fact]
    public void NodeReadingUndefinedTensor_IsRejected()
    {
        var graph = new GraphProto { Name = "dangling" };
        graph.Input.Add(TinyGraphs.Tensor("x", 4));
        graph.Output.Add(TinyGraphs.Tensor("y", 4));
        graph.Node.Add(TinyGraphs.Node("Add", "add", ["x", "ghost"], ["y"]));

        var e = Assert.Throws<InvalidModelException>(() => OnnxGraph.Load(TinyGraphs.Model(graph)));

        Assert.Contains("reads 'ghost', which no node, graph input or initializer defines", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsReported()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.onnx");

        var e = Assert.Throws<FileNotFoundException>(() => OnnxGraph.Load(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
