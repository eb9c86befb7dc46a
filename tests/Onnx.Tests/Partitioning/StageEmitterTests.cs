using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Onnx.Tests.Graph;
using EdgeCluster.Onnx.Verification;
using Onnx;

namespace EdgeCluster.Onnx.Tests.Partitioning;

[Collection(ResNet18AnalysisCollection.Name)]
public sealed class StageEmitterTests(ResNet18AnalysisFixture fixture)
{
    [Fact]
    public void ResNet18_StagesAreStandaloneModelsThatLoadInOnnxRuntime()
    {
        var split = PartitionedModel.Create(fixture.Analysis, 4);

        Assert.Equal(4, split.Stages.Count);
        var initializersSeen = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < 4; s++)
        {
            var stage = split.Stages[s];
            var plan = split.Plan.Stages[s];
            var model = ModelProto.Parser.ParseFrom(stage.ModelBytes);
            Assert.Equal(3, model.IrVersion);
            Assert.Equal(8, Assert.Single(model.OpsetImport).Version);
            Assert.Equal("CNTK", model.ProducerName);
            Assert.Equal($"CNTKGraph_stage{s}", model.Graph.Name);
            Assert.Equal(plan.NodeCount, model.Graph.Node.Count);

            // This IR 3 file does not list its initializers as inputs, so neither do its stages.
            Assert.Equal(stage.InputNames, model.Graph.Input.Select(i => i.Name));
            initializersSeen.UnionWith(model.Graph.Initializer.Select(i => i.Name));

            using var session = new ShardSession(stage.ModelBytes);
            Assert.Equal(stage.InputNames, session.Inputs.Select(i => i.Name));
            Assert.Equal(stage.OutputNames, session.Outputs.Select(o => o.Name));
            Assert.Equal(plan.Inputs.Select(t => t.Shape), session.Inputs.Select(i => i.Shape.Select(d => d.Size).ToArray()));
            Assert.Equal(s == 3 ? ["Pooling395_Output_0"] : plan.Outputs.Select(t => t.Name), stage.ForwardNames);
        }

        Assert.Equal(fixture.Graph.Initializers.Keys.Order(), initializersSeen.Order());
        Assert.Equal(["Input247"], split.Stages[0].InputNames);
    }

    [Fact]
    public void IrVersion3_StagesListTheirInitializersAsInputsLikeTheOriginal()
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(TinyGraphs.Ir3Model()));
        var plan = ModelPartitioner.FromCuts(analysis, [2]);

        var stages = StageEmitter.Emit(analysis, plan);

        var first = ModelProto.Parser.ParseFrom(stages[0].ModelBytes).Graph;
        var second = ModelProto.Parser.ParseFrom(stages[1].ModelBytes).Graph;
        Assert.Equal(["x", "w"], first.Input.Select(i => i.Name));
        Assert.Equal(["t1", "w", "v"], second.Input.Select(i => i.Name));
        Assert.Equal(["w", "v"], second.Initializer.Select(i => i.Name));
        Assert.Equal(3, ModelProto.Parser.ParseFrom(stages[1].ModelBytes).IrVersion);
        Assert.Equal(0, SplitVerifier.Verify(analysis, new PartitionedModel(plan, stages)).MaxAbsDiff);
    }

    [Fact]
    public void Transformer_StagesKeepTheSymbolicBatchAndRunAtAnotherBatchSize()
    {
        var graph = OnnxGraph.Load(TransformerModel.Build(blocks: 2));
        var split = PartitionedModel.Create(graph, 3);
        var batch3 = new Dictionary<string, long> { [TransformerModel.BatchSymbol] = 3 };
        var inputs = DeterministicInputs.Create(graph.Inputs, seed: 5, batch3);

        using (var middle = new ShardSession(split.Stages[1].ModelBytes))
        {
            Assert.All(middle.Inputs, i => Assert.Equal(TransformerModel.BatchSymbol, i.Shape[0].Symbol));
        }

        using var whole = new ShardSession(graph.ToBytes());
        using var pipeline = new LocalPipeline(split.Stages);
        var expected = Assert.Single(whole.Run(inputs));
        var actual = Assert.Single(pipeline.Run(inputs));

        Assert.Equal([3L, 16, 64], actual.Shape);
        Assert.True(TensorComparison.MaxAbsDiff(expected, actual) <= 1e-5);
    }

    [Fact]
    public void Transformer_SharedInitializersAreDuplicatedIntoEveryStageReadingThem()
    {
        var split = PartitionedModel.Create(OnnxGraph.Load(TransformerModel.Build()), 4);

        foreach (var stage in split.Stages)
        {
            var graph = ModelProto.Parser.ParseFrom(stage.ModelBytes).Graph;
            var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            var read = graph.Node.SelectMany(n => n.Input).Where(n => n.StartsWith("split_heads_shape", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(read);
            Assert.Contains("split_heads_shape", initializers);
            Assert.DoesNotContain(graph.Initializer, i => !graph.Node.Any(n => n.Input.Contains(i.Name)));
        }
    }

    [Fact]
    public void StageBag_ReportsAMissingTensor()
    {
        var stage = new StageModel(2, [], ["needed"], ["out"], ["out"]);

        var e = Assert.Throws<InvalidOperationException>(() => StageBag.Inputs(stage, [NamedTensor.FromFloats("other", [1], [1f])]));

        Assert.Equal("Stage 2 needs 'needed' but the incoming bag holds only [other].", e.Message);
    }
}
