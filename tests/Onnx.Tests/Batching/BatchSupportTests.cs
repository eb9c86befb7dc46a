using EdgeCluster.Onnx.Batching;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Onnx.Tests.Graph;
using Onnx;

namespace EdgeCluster.Onnx.Tests.Batching;

public sealed class BatchSupportTests
{
    [Fact]
    public void ResNet18_cut_with_a_symbolic_batch_runs_three_images_as_one_batch_with_each_images_own_features()
    {
        var original = File.ReadAllBytes(ResNet18.ModelPath);
        var symbolic = BatchDimension.MakeSymbolic(ModelProto.Parser.ParseFrom(original));
        var analysis = GraphAnalysis.Analyze(OnnxGraph.FromModel(symbolic, "resnet18"));
        var stages = StageEmitter.Emit(analysis, ModelPartitioner.Plan(analysis, 2));

        Assert.All(stages, stage => Assert.Null(BatchSupport.WhyNot(stage.ModelBytes)));

        using var whole = new ShardSession(original);
        using var head = new ShardSession(stages[0].ModelBytes);
        using var tail = new ShardSession(stages[1].ModelBytes);
        var images = Enumerable.Range(1, 3).Select(seed => DeterministicInputs.Create(whole.Inputs, seed)).ToArray();
        var cut = head.Run(BatchAssembly.Stack(images));
        var features = tail.Run(cut).Single();

        Assert.Equal([3L, 512L, 1L, 1L], features.Shape);
        for (var i = 0; i < images.Length; i++)
        {
            var alone = whole.Run(images[i]).Single();
            Assert.InRange(TensorComparison.MaxAbsDiff(alone, BatchAssembly.Slice(features, 3, i, 1)), 0, 1e-4);
        }
    }

    [Fact]
    public void A_stage_that_sums_over_every_axis_is_refused_and_the_stage_before_it_batches()
    {
        var graph = new GraphProto { Name = "sum-all" };
        graph.Input.Add(TinyGraphs.Tensor("x", 1, 4));
        graph.Output.Add(TinyGraphs.Tensor("y", 1, 1));
        graph.Node.Add(TinyGraphs.Node("Relu", "relu", ["x"], ["r"]));
        graph.Node.Add(TinyGraphs.Node("ReduceSum", "sum", ["r"], ["y"]));
        var symbolic = BatchDimension.MakeSymbolic(ModelProto.Parser.ParseFrom(TinyGraphs.Model(graph, opset: 13)));
        var analysis = GraphAnalysis.Analyze(OnnxGraph.FromModel(symbolic, "sum-all"));
        var stages = StageEmitter.Emit(analysis, ModelPartitioner.Plan(analysis, 2));

        Assert.Null(BatchSupport.WhyNot(stages[0].ModelBytes));
        Assert.Equal("output 'y' has no symbolic first axis (y: Float[1,1])", BatchSupport.WhyNot(stages[1].ModelBytes));
    }

    [Fact]
    public void A_stage_that_keeps_the_batch_axis_but_mixes_rows_is_refused_by_running_it()
    {
        var graph = new GraphProto { Name = "softmax-over-rows" };
        graph.Input.Add(TinyGraphs.Tensor("x", "batch", 4));
        graph.Output.Add(TinyGraphs.Tensor("y", "batch", 4));
        var softmax = TinyGraphs.Node("Softmax", "softmax", ["x"], ["y"]);
        softmax.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        graph.Node.Add(softmax);

        Assert.Equal("output 'y' of a batch of two differs from the same requests run alone", BatchSupport.WhyNot(TinyGraphs.Model(graph, opset: 13)));
    }

    [Fact]
    public void A_model_with_a_fixed_first_axis_has_no_batch_to_run()
    {
        var why = BatchSupport.WhyNot(File.ReadAllBytes(ResNet18.ModelPath));

        Assert.Equal("input 'Input247' has no symbolic first axis (Input247: Float[1,3,224,224])", why);
    }
}
