using BenchmarkDotNet.Attributes;
using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.SampleModels;

namespace EdgeCluster.Benchmarks;

/// <summary>The partitioner on ResNet18: graph analysis (shape probe included), FLOP-balanced planning, and the objective planner.</summary>
[MemoryDiagnoser]
public class PartitionerBenchmarks
{
    private OnnxGraph graph = null!;
    private GraphAnalysis analysis = null!;
    private PlanCosts costs = null!;

    [GlobalSetup]
    public void Setup()
    {
        graph = OnnxGraph.Load(ResNet18.ModelPath);
        analysis = GraphAnalysis.Analyze(graph);
        costs = new PlanCosts(100e9, LinkProfile.FromMegabits(50, 1)) { Codecs = ActivationCodecs.All };
    }

    [Benchmark]
    public GraphAnalysis Analyze() => GraphAnalysis.Analyze(graph);

    [Benchmark]
    public PartitionPlan PlanThreeStages() => ModelPartitioner.Plan(analysis, 3);

    [Benchmark]
    public ObjectivePlan PlanLatencyBestStageCount() => ObjectivePartitioner.PlanBestStageCount(analysis, 4, PlanObjective.Latency, costs);
}
