using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tests.Graph;
using EdgeCluster.Onnx.Tests.Partitioning;
using EdgeCluster.Onnx.Verification;

namespace EdgeCluster.Onnx.Tests.Verification;

[Collection(ResNet18AnalysisCollection.Name)]
public sealed class SplitVerifierTests(ResNet18AnalysisFixture fixture)
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void ResNet18_ChainedStagesMatchTheWholeModel(int stages)
    {
        var result = SplitVerifier.Verify(fixture.Analysis, stages);

        Assert.True(result.Ok, $"max diff {result.MaxAbsDiff} > {result.Tolerance}");
        Assert.True(result.MaxAbsDiff <= 1e-5, $"max diff {result.MaxAbsDiff}");
        Assert.Equal("ResNet18", result.Model);
        Assert.Equal(stages, result.Stages);
        Assert.Equal(stages - 1, result.Cuts.Count);
        var output = Assert.Single(result.Outputs);
        Assert.Equal(ResNet18.OutputName, output.Name);
        Assert.Equal([1L, 512, 1, 1], output.Shape);
        Assert.True(output.ReferenceMaxAbs > 0);
        Assert.True(output.CosineSimilarity > 0.999999);
    }

    [Fact]
    public void ResNet18_CutBeforeADownsamplingBlockIsBitIdentical()
    {
        // Position 18 follows ReLU283, the input of layer2's first (stride-2) block: one tensor crosses.
        var plan = ModelPartitioner.FromCuts(fixture.Analysis, [18]);
        var split = new PartitionedModel(plan, StageEmitter.Emit(fixture.Analysis, plan));

        var result = SplitVerifier.Verify(fixture.Analysis, split);

        Assert.Equal(["ReLU283_Output_0"], Assert.Single(result.Cuts));
        Assert.Equal(0, result.MaxAbsDiff);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ResNet18_DefaultPlansAreBitIdentical(int stages)
    {
        var result = SplitVerifier.Verify(fixture.Analysis, stages);

        Assert.All(result.Cuts, cut => Assert.Single(cut));
        Assert.Equal(0, result.MaxAbsDiff);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Transformer_Verifies(int stages)
    {
        var result = SplitVerifier.Verify(OnnxGraph.Load(TransformerModel.Build()), stages, seed: 3);

        Assert.True(result.Ok && result.MaxAbsDiff <= 1e-5, $"max diff {result.MaxAbsDiff}");
        Assert.Equal(stages, result.Stages);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void TwoBranch_VerifiesBothOutputs(int stages)
    {
        var result = SplitVerifier.Verify(OnnxGraph.Load(TwoBranchModel.Build()), stages);

        Assert.True(result.Ok && result.MaxAbsDiff <= 1e-5, $"max diff {result.MaxAbsDiff}");
        Assert.Equal([TwoBranchModel.LogitsOutput, TwoBranchModel.EmbeddingOutput], result.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void TwoBranch_EmbeddingProducedInStage0RidesInTheBagToTheEnd()
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(TwoBranchModel.Build()));
        var afterEmbedding = analysis.Graph.Producer(TwoBranchModel.EmbeddingOutput)!.Index + 1;
        var plan = ModelPartitioner.FromCuts(analysis, [afterEmbedding, afterEmbedding + 1]);
        var split = new PartitionedModel(plan, StageEmitter.Emit(analysis, plan));

        var result = SplitVerifier.Verify(analysis, split);

        Assert.Contains(TwoBranchModel.EmbeddingOutput, split.Stages[0].OutputNames);
        Assert.Contains(TwoBranchModel.EmbeddingOutput, split.Stages[1].ForwardNames);
        Assert.DoesNotContain(TwoBranchModel.EmbeddingOutput, split.Stages[2].OutputNames);
        Assert.Equal([TwoBranchModel.LogitsOutput, TwoBranchModel.EmbeddingOutput], split.Stages[2].ForwardNames);
        Assert.True(result.Ok && result.MaxAbsDiff <= 1e-5, $"max diff {result.MaxAbsDiff}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void UNet_VerifiesWithMultiTensorCuts(int stages)
    {
        var result = SplitVerifier.Verify(OnnxGraph.Load(UNetModel.Build()), stages);

        Assert.True(result.Ok && result.MaxAbsDiff <= 1e-5, $"max diff {result.MaxAbsDiff}");
        Assert.Contains(result.Cuts, c => c.Count >= 2);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    public void IfNodeWithOuterScopeReads_StaysWholeAndChainedEqualsWhole(int stages)
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(TinyGraphs.IfModel()));

        var result = SplitVerifier.Verify(analysis, stages, seed: 1);

        Assert.True(result.Ok, $"max diff {result.MaxAbsDiff}");
        Assert.Equal(0, result.MaxAbsDiff);
        Assert.Single(result.Plan.Stages, s => s.StartNode <= 4 && s.EndNode > 4);
    }

    [Fact]
    public void IfNode_StageStartingAtTheIfReceivesItsOuterScopeTensors()
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(TinyGraphs.IfModel()));
        var plan = ModelPartitioner.FromCuts(analysis, [4]);
        var split = new PartitionedModel(plan, StageEmitter.Emit(analysis, plan));

        var result = SplitVerifier.Verify(analysis, split);

        Assert.Equal(["c", "a", "b"], split.Stages[1].InputNames);
        Assert.Equal(0, result.MaxAbsDiff);
    }

    [Fact]
    public void LateGraphInput_SplitsOnlyAfterItsConsumer()
    {
        var result = SplitVerifier.Verify(OnnxGraph.Load(TinyGraphs.LateInputModel()), 2);

        Assert.True(result.Ok);
        Assert.Equal(["t3"], Assert.Single(result.Cuts));
        Assert.Equal(["x", "late"], result.Plan.Stages[0].Inputs.Select(t => t.Name));
    }
}
