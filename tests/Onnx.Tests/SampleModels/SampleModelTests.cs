using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Onnx;

namespace EdgeCluster.Onnx.Tests.SampleModels;

public sealed class SampleModelTests
{
    [Fact]
    public void Transformer_RunsWithExpectedShape()
    {
        var outputs = RunTwiceAndCompare(TransformerModel.Build(), seed: 1);
        var encoded = Assert.Single(outputs);
        Assert.Equal(TransformerModel.OutputName, encoded.Name);
        Assert.Equal([1L, 16, 64], encoded.Shape);
    }

    [Fact]
    public void Transformer_DeclaresSymbolicBatch_AndRunsWithBatchTwo()
    {
        using var session = new ShardSession(TransformerModel.Build(blocks: 2, sequenceLength: 8, modelDim: 32, heads: 2));
        var input = Assert.Single(session.Inputs);
        Assert.Equal("tokens: Float[batch,8,32]", input.ToString());

        var tensors = DeterministicInputs.Create(session.Inputs, 3, new Dictionary<string, long> { ["batch"] = 2 });
        var output = Assert.Single(session.Run(tensors));
        Assert.Equal([2L, 8, 32], output.Shape);
        AssertFinite(output);
    }

    [Fact]
    public void Transformer_HasExpectedStructure()
    {
        var model = ModelProto.Parser.ParseFrom(TransformerModel.Build(blocks: 4));
        Assert.Equal(8, model.IrVersion);
        Assert.Equal(17, Assert.Single(model.OpsetImport).Version);
        Assert.Equal(9, model.Graph.Node.Count(n => n.OpType == "LayerNormalization"));
        Assert.Equal(4, model.Graph.Node.Count(n => n.OpType == "Softmax"));
        AssertWellFormed(model);
    }

    [Fact]
    public void TwoBranch_RunsWithExpectedShapes()
    {
        var outputs = RunTwiceAndCompare(TwoBranchModel.Build(), seed: 2);
        Assert.Equal([TwoBranchModel.LogitsOutput, TwoBranchModel.EmbeddingOutput], outputs.Select(o => o.Name));
        Assert.Equal([1L, 10], outputs[0].Shape);
        Assert.Equal([1L, 32], outputs[1].Shape);
    }

    [Fact]
    public void TwoBranch_InputsFeedTheFirstNodes_AndEmbeddingIsConsumedLater()
    {
        var model = ModelProto.Parser.ParseFrom(TwoBranchModel.Build());
        var nodes = model.Graph.Node;
        Assert.Contains(TwoBranchModel.ImageInput, nodes[0].Input);
        Assert.Contains(TwoBranchModel.FeaturesInput, nodes[1].Input);
        var producer = nodes.Single(n => n.Output.Contains(TwoBranchModel.EmbeddingOutput));
        Assert.True(nodes.IndexOf(producer) < nodes.Count - 2);
        Assert.Equal(2, nodes.Count(n => n.Input.Contains(TwoBranchModel.EmbeddingOutput)));
        AssertWellFormed(model);
    }

    [Fact]
    public void UNet_RunsWithExpectedShape()
    {
        var mask = Assert.Single(RunTwiceAndCompare(UNetModel.Build(), seed: 3));
        Assert.Equal(UNetModel.OutputName, mask.Name);
        Assert.Equal([1L, 1, 32, 32], mask.Shape);
        Assert.All(mask.AsFloats().ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void UNet_SkipConnectionsCrossTheBottleneck()
    {
        var model = ModelProto.Parser.ParseFrom(UNetModel.Build());
        var nodes = model.Graph.Node.ToList();
        var e1 = nodes.Single(n => n.Name == "enc1_relu").Output[0];
        var e1Consumers = nodes.Where(n => n.Input.Contains(e1)).Select(n => nodes.IndexOf(n)).ToList();
        Assert.Equal(2, e1Consumers.Count);
        Assert.True(e1Consumers.Max() - e1Consumers.Min() > 8);
        AssertWellFormed(model);
    }

    [Fact]
    public void Builders_AreDeterministic_AndSeedChangesWeights()
    {
        Assert.Equal(TransformerModel.Build(), TransformerModel.Build());
        Assert.Equal(TwoBranchModel.Build(seed: 5), TwoBranchModel.Build(seed: 5));
        Assert.NotEqual(UNetModel.Build(seed: 1), UNetModel.Build(seed: 2));
    }

    [Fact]
    public void Transformer_RejectsIndivisibleHeads()
    {
        Assert.Throws<ArgumentException>(() => TransformerModel.Build(modelDim: 30, heads: 4));
    }

    private static List<NamedTensor> RunTwiceAndCompare(byte[] model, int seed)
    {
        using var session = new ShardSession(model);
        var inputs = DeterministicInputs.Create(session.Inputs, seed);
        var first = session.Run(inputs);
        var second = session.Run(inputs);
        Assert.Equal(first.Select(o => o.Data), second.Select(o => o.Data));
        Assert.All(first, AssertFinite);
        Assert.All(first, o => Assert.True(TensorComparison.MaxAbs(o) > 0));
        return [.. first];
    }

    private static void AssertFinite(NamedTensor tensor) =>
        Assert.All(tensor.AsFloats().ToArray(), v => Assert.True(float.IsFinite(v)));

    private static void AssertWellFormed(ModelProto model)
    {
        Assert.Empty(model.Graph.ValueInfo);
        Assert.Equal(model.Graph.Node.Count, model.Graph.Node.Select(n => n.Name).Distinct().Count());
        Assert.All(model.Graph.Input, i => Assert.Equal(1, i.Type.TensorType.ElemType));
        Assert.All(model.Graph.Output, o => Assert.NotEmpty(o.Type.TensorType.Shape.Dim));

        // Topological order: every node input is a graph input, an initializer, empty, or produced earlier.
        var known = model.Graph.Input.Select(i => i.Name).Concat(model.Graph.Initializer.Select(i => i.Name)).Append(string.Empty).ToHashSet();
        foreach (var node in model.Graph.Node)
        {
            Assert.All(node.Input, input => Assert.Contains(input, known));
            known.UnionWith(node.Output);
        }
    }
}
