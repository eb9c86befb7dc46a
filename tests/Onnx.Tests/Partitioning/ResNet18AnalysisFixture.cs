using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.SampleModels;

namespace EdgeCluster.Onnx.Tests.Partitioning;

/// <summary>Parses and analyses the 63 MB ResNet18 once for every test class in the collection.</summary>
public sealed class ResNet18AnalysisFixture
{
    public ResNet18AnalysisFixture()
    {
        Graph = OnnxGraph.Load(ResNet18.ModelPath);
        Analysis = GraphAnalysis.Analyze(Graph);
    }

    public OnnxGraph Graph { get; }

    public GraphAnalysis Analysis { get; }
}

[CollectionDefinition(Name)]
public sealed class ResNet18AnalysisCollection : ICollectionFixture<ResNet18AnalysisFixture>
{
    public const string Name = "ResNet18 analysis";
}
