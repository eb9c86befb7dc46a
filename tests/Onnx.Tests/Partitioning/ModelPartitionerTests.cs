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
    public void ResNet18_TwoStagePlanIsTheBestSingleCut()
    {
        var analysis = fixture.Analysis;

        var plan = ModelPartitioner.Plan(analysis, 2);

        var best = analysis.ValidCuts.Min(c => Math.Max(analysis.Flops(0, c.Position), analysis.Flops(c.Position, 74)));
        Assert.Equal(best, plan.BottleneckTime);
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
