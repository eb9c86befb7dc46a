using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tests.Graph;

namespace EdgeCluster.Onnx.Tests.Partitioning;

[Collection(ResNet18AnalysisCollection.Name)]
public sealed class GraphAnalysisTests(ResNet18AnalysisFixture fixture)
{
    [Fact]
    public void ResNet18_EveryInnerBoundaryIsAValidCut()
    {
        var cuts = fixture.Analysis.ValidCuts;

        // The only raw input is read by the first node, so every boundary between nodes qualifies.
        Assert.Equal(73, cuts.Count);
        Assert.Equal(Enumerable.Range(1, 73), cuts.Select(c => c.Position));
        Assert.Equal(0, fixture.Analysis.LastRawInputConsumer);
    }

    [Theory]
    [InlineData(3, "ReLU253", 1L * 64 * 112 * 112 * 4)] // after the stem (conv 7x7/2, BN, ReLU): 3,211,264 B
    [InlineData(4, "Pooling255", 1L * 64 * 56 * 56 * 4)] // after the stem's max pool: 802,816 B
    [InlineData(73, "ReLU393", 1L * 512 * 7 * 7 * 4)] // before the final average pool: 100,352 B
    public void ResNet18_SingleTensorCutsCarryOneActivation(int position, string afterNode, long bytes)
    {
        var cut = fixture.Analysis.ValidCuts.Single(c => c.Position == position);

        Assert.Equal(afterNode, cut.AfterNode);
        Assert.Equal($"{afterNode}_Output_0", Assert.Single(cut.Tensors));
        Assert.Equal(bytes, cut.Bytes);
    }

    [Fact]
    public void ResNet18_CutInsideResidualBlockCarriesTheSkipTensorToo()
    {
        var cut = fixture.Analysis.ValidCuts.Single(c => c.Position == 5);

        Assert.Equal(["Pooling255_Output_0", "Convolution257_Output_0"], cut.Tensors);
        Assert.Equal(2 * 802816, cut.Bytes);
    }

    [Fact]
    public void ResNet18_CostsAndWeightsAddUp()
    {
        var analysis = fixture.Analysis;

        // ~1.8 G multiply-adds in the convolutions plus cheap element-wise work.
        Assert.InRange(analysis.TotalFlops, 3.6e9, 4.2e9);
        Assert.Equal(analysis.TotalFlops, analysis.NodeFlops.Sum(), 1.0);
        var conv1 = analysis.Graph.Nodes[0];
        Assert.Equal("Convolution249", conv1.Name);
        Assert.Equal(2.0 * 64 * 112 * 112 * 3 * 7 * 7, analysis.NodeFlops[0]);
        Assert.Equal(analysis.InitializerBytes.Values.Sum(), analysis.WeightBytes(0, analysis.NodeCount));
        Assert.InRange(analysis.WeightBytes(0, analysis.NodeCount), 44_000_000, 64_000_000);
    }

    [Fact]
    public void LateGraphInput_InvalidatesEveryCutBeforeItsConsumer()
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(TinyGraphs.LateInputModel()));

        Assert.Equal(3, analysis.LastRawInputConsumer);
        var cut = Assert.Single(analysis.ValidCuts);
        Assert.Equal(4, cut.Position);
        Assert.Equal(["t3"], cut.Tensors);
    }

    [Fact]
    public void IfNode_OuterScopeReadsCrossTheCutBeforeIt()
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(TinyGraphs.IfModel()));

        Assert.Equal([1, 2, 3, 4, 5], analysis.ValidCuts.Select(c => c.Position));
        Assert.Equal(["a", "b", "s"], analysis.CrossingSet(3));
        Assert.Equal(["a", "b", "c"], analysis.CrossingSet(4));
        Assert.Equal(["r"], analysis.CrossingSet(5));
        Assert.Equal(["c", "a", "b"], analysis.StageInputs(4, 6));
    }

    [Fact]
    public void TwoBranch_EmbeddingIsCarriedAsAPartialResultUntilTheEnd()
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(TwoBranchModel.Build()));
        var embeddingAt = analysis.Graph.Producer(TwoBranchModel.EmbeddingOutput)!.Index;

        // Both inputs are read by the first two nodes.
        Assert.Equal(1, analysis.LastRawInputConsumer);
        Assert.Equal(Enumerable.Range(2, analysis.NodeCount - 2), analysis.ValidCuts.Select(c => c.Position));
        var later = analysis.ValidCuts.Where(c => c.Position > embeddingAt).ToArray();
        Assert.NotEmpty(later);
        Assert.All(later, c => Assert.Contains(TwoBranchModel.EmbeddingOutput, c.Tensors));
        Assert.Equal([TwoBranchModel.LogitsOutput, TwoBranchModel.EmbeddingOutput], analysis.CrossingSet(analysis.NodeCount));
    }

    [Fact]
    public void UNet_SkipConnectionsMakeMultiTensorCuts()
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(UNetModel.Build()));
        var bottleneck = analysis.ValidCuts.Single(c => c.AfterNode == "bottleneck_relu");

        Assert.Equal(["enc1_relu_out", "enc2_relu_out", "bottleneck_relu_out"], bottleneck.Tensors);
        Assert.Equal((8 * 32 * 32 * 4) + (16 * 16 * 16 * 4) + (32 * 8 * 8 * 4), bottleneck.Bytes);
    }
}
