using System.Globalization;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.Tests.Graph;

namespace EdgeCluster.Onnx.Tests.Partitioning;

[Collection(ResNet18AnalysisCollection.Name)]
public sealed class ModelPartitionerTests(ResNet18AnalysisFixture fixture)
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void ResNet18_PlanHasKContiguousStagesWithSharesSummingToOne(int stages)
    {
        var plan = ModelPartitioner.Plan(fixture.Analysis, stages);

        Assert.Equal("ResNet18", plan.Model);
        Assert.Equal(stages, plan.Stages.Count);
        Assert.Equal(stages - 1, plan.Cuts.Count);
        Assert.Equal(1.0, plan.Stages.Sum(s => s.FlopsShare), 9);
        Assert.Equal(0, plan.Stages[0].StartNode);
        Assert.Equal(74, plan.Stages[^1].EndNode);
        Assert.Equal(74, plan.Stages.Sum(s => s.NodeCount));
        Assert.Equal(["Input247"], plan.Stages[0].Inputs.Select(t => t.Name));
        Assert.Empty(plan.Stages[^1].Outputs);
        for (var s = 1; s < stages; s++)
        {
            Assert.Equal(plan.Stages[s - 1].EndNode, plan.Stages[s].StartNode);
            Assert.Equal(plan.Stages[s - 1].Outputs.Select(t => t.Name), plan.Stages[s].Inputs.Select(t => t.Name));
            Assert.Equal(plan.Cuts[s - 1], plan.Stages[s].Inputs.Select(t => t.Name));
        }

        // Roughly balanced: no stage far above an even share.
        Assert.True(plan.Stages.Max(s => s.FlopsShare) < 1.5 / stages, $"max share {plan.Stages.Max(s => s.FlopsShare)}");
        Assert.Equal(plan.Stages.Max(s => s.Flops), plan.BottleneckTime);
    }

    [Fact]
    public void ResNet18_WithoutTolerance_TwoStagePlanIsTheBestSingleCut()
    {
        var analysis = fixture.Analysis;

        var plan = ModelPartitioner.Plan(analysis, 2, tolerance: 0);

        var best = analysis.ValidCuts.Min(c => Math.Max(analysis.Flops(0, c.Position), analysis.Flops(c.Position, 74)));
        Assert.Equal(best, plan.BottleneckTime);
        Assert.Equal([36], plan.CutPositions);
    }

    [Theory]
    [InlineData(2, new[] { 34 }, new[] { "ReLU315_Output_0" })]
    [InlineData(3, new[] { 27, 50 }, new[] { "ReLU301_Output_0", "ReLU347_Output_0" })]
    [InlineData(4, new[] { 18, 43, 59 }, new[] { "ReLU283_Output_0", "ReLU333_Output_0", "ReLU365_Output_0" })]
    public void ResNet18_DefaultPlan_CutsBetweenResidualBlocks(int stages, int[] cuts, string[] tensors)
    {
        var analysis = fixture.Analysis;

        var plan = ModelPartitioner.Plan(analysis, stages);

        var exact = ModelPartitioner.Plan(analysis, stages, tolerance: 0);
        Assert.Equal(cuts, plan.CutPositions);
        Assert.Equal(tensors, plan.Cuts.Select(Assert.Single));
        Assert.InRange(plan.BottleneckTime, exact.BottleneckTime, exact.BottleneckTime * (1 + ModelPartitioner.DefaultTolerance));
        Assert.True(plan.BoundaryBytes < exact.BoundaryBytes, $"{plan.BoundaryBytes} bytes against {exact.BoundaryBytes}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.02)]
    [InlineData(0.05)]
    [InlineData(0.2)]
    public void ThreeStagePlan_MovesTheFewestBytesOfAllSplitsWithinTheTolerance(double tolerance)
    {
        var analysis = fixture.Analysis;
        var positions = analysis.ValidCuts.Select(c => c.Position).ToArray();
        var bytes = analysis.ValidCuts.ToDictionary(c => c.Position, c => c.Bytes);
        double Bottleneck(int first, int second) =>
            Math.Max(analysis.Flops(0, first), Math.Max(analysis.Flops(first, second), analysis.Flops(second, 74)));
        var pairs = positions.SelectMany(first => positions.Where(second => second > first), (first, second) => (First: first, Second: second)).ToArray();
        var limit = pairs.Min(p => Bottleneck(p.First, p.Second)) * (1 + tolerance);
        var fewest = pairs.Where(p => Bottleneck(p.First, p.Second) <= limit).Min(p => bytes[p.First] + bytes[p.Second]);

        var plan = ModelPartitioner.Plan(analysis, 3, tolerance: tolerance);

        Assert.Equal(fewest, plan.BoundaryBytes);
        Assert.True(plan.BottleneckTime <= limit, $"bottleneck {plan.BottleneckTime} above {limit}");
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void ToleranceOutsideZeroToOne_IsRejectedNamingIt(double tolerance)
    {
        var e = Assert.Throws<PartitionException>(() => ModelPartitioner.Plan(fixture.Analysis, 2, tolerance: tolerance));

        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"The partitioner's balance tolerance must be at least 0 and below 1; got {tolerance}."),
            e.Message);
    }

    [Fact]
    public void FasterDevice_GetsTheLargerShare()
    {
        var devices = new[] { new DeviceProfile("slow", 1, long.MaxValue), new DeviceProfile("fast", 3, long.MaxValue) };

        var plan = ModelPartitioner.Plan(fixture.Analysis, 2, devices);

        Assert.Equal(["slow", "fast"], plan.Stages.Select(s => s.DeviceId));
        Assert.InRange(plan.Stages[1].FlopsShare, 0.70, 0.80);
        Assert.Equal(plan.Stages[1].Flops / 3, plan.Stages[1].Time);
    }

    [Fact]
    public void TooManyStages_AreRejectedNamingTheValidCutCount()
    {
        var e = Assert.Throws<PartitionException>(() => ModelPartitioner.Plan(fixture.Analysis, 75));

        Assert.StartsWith("ResNet18 has only 73 valid cut points; cannot make 75 stages", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void FewerThanOneStage_IsRejected(int stages) =>
        Assert.Throws<PartitionException>(() => ModelPartitioner.Plan(fixture.Analysis, stages));

    [Fact]
    public void OneStage_IsTheWholeModel()
    {
        var plan = ModelPartitioner.Plan(fixture.Analysis, 1);

        var stage = Assert.Single(plan.Stages);
        Assert.Equal(74, stage.NodeCount);
        Assert.Empty(plan.Cuts);
        Assert.Equal(1.0, stage.FlopsShare);
    }

    [Fact]
    public void FirstDeviceTooSmallForTheFirstConvolution_NamesStage0()
    {
        var conv1Weights = fixture.Analysis.InitializerBytes["Parameter91"];
        var devices = new[] { new DeviceProfile("tiny", 1, 1000), new DeviceProfile("big", 1, long.MaxValue) };

        var e = Assert.Throws<PartitionException>(() => ModelPartitioner.Plan(fixture.Analysis, 2, devices));

        Assert.Equal(64 * 3 * 7 * 7 * 4, conv1Weights);
        Assert.Equal(
            $"Stage 0 of 'ResNet18' does not fit device 'tiny' (1000 bytes): its smallest possible part needs {conv1Weights * 3 / 2} bytes ({conv1Weights} weight bytes x 1.5).",
            e.Message);
    }

    [Fact]
    public void DevicesTooSmallForTheWholeModel_NamesTheStageThatCannotFit()
    {
        var devices = new[] { new DeviceProfile("edge-a", 1, 20_000_000), new DeviceProfile("edge-b", 1, 20_000_000) };

        var e = Assert.Throws<PartitionException>(() => ModelPartitioner.Plan(fixture.Analysis, 2, devices));

        Assert.StartsWith("Stage 1 of 'ResNet18' does not fit device 'edge-b' (20000000 bytes): its smallest possible part needs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MemoryBudgetIsWeightBytesTimesHeadroom()
    {
        var analysis = fixture.Analysis;
        var need = (long)Math.Ceiling(analysis.WeightBytes(0, 37) * ModelPartitioner.MemoryHeadroomFactor);
        DeviceProfile[] Devices(long memory) => [new("d0", 1, memory), new("d1", 1, long.MaxValue)];

        var plan = ModelPartitioner.FromCuts(analysis, [37], Devices(need));
        var e = Assert.Throws<PartitionException>(() => ModelPartitioner.FromCuts(analysis, [37], Devices(need - 1)));

        Assert.Equal(analysis.WeightBytes(0, 37), plan.Stages[0].WeightBytes);
        Assert.StartsWith($"Stage 0 of 'ResNet18' needs {need} bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FewerDevicesThanStages_IsRejected()
    {
        var e = Assert.Throws<PartitionException>(() => ModelPartitioner.Plan(fixture.Analysis, 3, [new DeviceProfile("only", 1, long.MaxValue)]));

        Assert.Contains("needs 3 devices; 1 given", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CutBeforeALateGraphInputConsumer_IsRejected()
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(TinyGraphs.LateInputModel()));

        var e = Assert.Throws<PartitionException>(() => ModelPartitioner.FromCuts(analysis, [2]));
        var tooMany = Assert.Throws<PartitionException>(() => ModelPartitioner.Plan(analysis, 3));

        Assert.Contains("Position 2 is not a valid cut", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("late_input has only 1 valid cut points; cannot make 3 stages", tooMany.Message, StringComparison.Ordinal);
        Assert.Equal([4], ModelPartitioner.Plan(analysis, 2).CutPositions);
    }
}
