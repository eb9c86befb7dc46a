using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Tests.Deployments;

/// <summary>Deployments that name their cut positions get exactly those stage boundaries, and bad cuts are refused up front.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class ExplicitCutsTests(EdgeClusterFixture fixture)
{
    private GraphAnalysis Analysis => _analysis ??= GraphAnalysis.Analyze(OnnxGraph.Load(fixture.ResNet18Bytes, EdgeClusterFixture.ResNet18Deployment));

    private static GraphAnalysis? _analysis;

    [Fact]
    public async Task ExplicitCut_SetsTheStageBoundary_AndServesTheWholeModelsAnswer()
    {
        // A late cut, far from where the FLOP-balanced planner would cut.
        var cut = Analysis.ValidCuts[^2];
        var spec = new DeploymentSpec(EdgeClusterFixture.ResNet18Deployment, 2, [.. fixture.DeviceIds.Take(2)]) { Cuts = [cut.Position] };

        var status = await fixture.DeployAsync("resnet18-cut", spec);
        var input = fixture.ResNet18Input(seed: 3);
        var result = await fixture.InferAsync("resnet18-cut", fixture.DeviceIds[0], [input]);

        var stages = status.Route!.Stages;
        Assert.Equal(2, stages.Length);
        Assert.Equal(cut.Tensors, stages[0].ForwardNames);
        Assert.Equal(cut.Tensors, stages[1].InputNames);
        Assert.Equal(cut.Position, stages[0].NodeCount);
        Assert.Equal(Analysis.NodeCount - cut.Position, stages[1].NodeCount);
        var expected = fixture.ResNet18Session.Run([input])[0];
        Assert.InRange(TensorComparison.MaxAbsDiff(expected, result.Outputs.Single().ToNamedTensor()), 0, 1e-5);
    }

    [Fact]
    public async Task PositionThatIsNotAValidCut_IsInvalidArgument()
    {
        var valid = Analysis.ValidCuts.Select(c => c.Position).ToHashSet();
        var invalid = Enumerable.Range(1, Analysis.NodeCount).First(p => !valid.Contains(p));
        var spec = new DeploymentSpec(EdgeClusterFixture.ResNet18Deployment, 2, [.. fixture.DeviceIds.Take(2)]) { Cuts = [invalid] };

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => fixture.DeployAsync("resnet18-bad-cut", spec));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith($"Cuts {invalid} of model 'resnet18' are not usable: Position {invalid} is not a valid cut of 'resnet18' (valid: ", error.Message);
    }

    [Fact]
    public async Task CutCountThatDoesNotMatchTheStages_IsInvalidArgument()
    {
        var spec = new DeploymentSpec(EdgeClusterFixture.ResNet18Deployment, 3, [.. fixture.DeviceIds]) { Cuts = [Analysis.ValidCuts[^1].Position] };

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => fixture.DeployAsync("resnet18-cut-count", spec));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"3 stages need 2 cut(s); 1 were given ({Analysis.ValidCuts[^1].Position}).", error.Message);
    }

    [Fact]
    public async Task DecreasingCuts_AreInvalidArgument()
    {
        var (first, second) = (Analysis.ValidCuts[^1].Position, Analysis.ValidCuts[^2].Position);
        var spec = new DeploymentSpec(EdgeClusterFixture.ResNet18Deployment, 3, [.. fixture.DeviceIds]) { Cuts = [first, second] };

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => fixture.DeployAsync("resnet18-cut-order", spec));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"Cuts {first}, {second} of model 'resnet18' are not usable: Cut positions must be strictly increasing; got {first}, {second}.", error.Message);
    }
}
