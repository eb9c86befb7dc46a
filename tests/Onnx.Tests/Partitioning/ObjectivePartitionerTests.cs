using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Partitioning;

namespace EdgeCluster.Onnx.Tests.Partitioning;

[Collection(ResNet18AnalysisCollection.Name)]
public sealed class ObjectivePartitionerTests(ResNet18AnalysisFixture fixture)
{
    private const double GigaFlops = 1e9;

    [Theory]
    [InlineData(PlanObjective.Throughput)]
    [InlineData(PlanObjective.Latency)]
    public void TinyBandwidth_PicksTheCutWithTheFewestBytes(PlanObjective objective)
    {
        var analysis = fixture.Analysis;
        var costs = new PlanCosts(10 * GigaFlops, new LinkProfile(1, 0));

        var plan = ObjectivePartitioner.Plan(analysis, 2, objective, costs);

        var fewest = analysis.ValidCuts.Min(c => c.Bytes);
        Assert.Equal(fewest, plan.Partition.BoundaryBytes);
        Assert.Contains(plan.Partition.CutPositions[0], analysis.ValidCuts.Where(c => c.Bytes == fewest).Select(c => c.Position));
        Assert.Equal(fewest, plan.Links.Single().TransferSeconds);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void UnlimitedBandwidth_Throughput_WithoutTolerance_ReachesThePlainPartitionersBalance(int stages)
    {
        var analysis = fixture.Analysis;

        var plan = ObjectivePartitioner.Plan(analysis, stages, PlanObjective.Throughput, new PlanCosts(10 * GigaFlops, LinkProfile.Unlimited) { Tolerance = 0 });

        // Both reach the best balance; the plain partitioner searches all of its plans for the fewest bytes.
        var balanced = ModelPartitioner.Plan(analysis, stages, tolerance: 0);
        Assert.Equal(balanced.BottleneckTime / (10 * GigaFlops), plan.BottleneckSeconds, 12);
        Assert.True(balanced.BoundaryBytes <= plan.Partition.BoundaryBytes, $"{balanced.BoundaryBytes} bytes against {plan.Partition.BoundaryBytes}");
        Assert.All(plan.Links, link => Assert.Equal(0, link.OccupancySeconds));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void UnlimitedBandwidth_Throughput_StaysWithinTheToleranceOfBalancedAndMovesNoMoreBytes(int stages)
    {
        var analysis = fixture.Analysis;

        var plan = ObjectivePartitioner.Plan(analysis, stages, PlanObjective.Throughput, new PlanCosts(10 * GigaFlops, LinkProfile.Unlimited));

        var balanced = ModelPartitioner.Plan(analysis, stages, tolerance: 0);
        var best = balanced.BottleneckTime / (10 * GigaFlops);
        Assert.InRange(plan.BottleneckSeconds, best * (1 - 1e-12), best * Math.Pow(1 + PlanCosts.DefaultTolerance, stages));
        Assert.NotEqual(balanced.CutPositions, plan.Partition.CutPositions);
        Assert.True(plan.Partition.BoundaryBytes <= balanced.BoundaryBytes, $"{plan.Partition.BoundaryBytes} bytes against {balanced.BoundaryBytes}");
    }

    [Fact]
    public void Latency_EqualDevices_KeepsTheModelInOneStage()
    {
        var costs = new PlanCosts(10 * GigaFlops, LinkProfile.FromMegabits(1000, roundTripMilliseconds: 0.5));

        var plan = ObjectivePartitioner.PlanBestStageCount(fixture.Analysis, 4, PlanObjective.Latency, costs);

        Assert.Single(plan.Partition.Stages);
        Assert.Equal(fixture.Analysis.TotalFlops / (10 * GigaFlops), plan.LatencySeconds, 12);
    }

    [Fact]
    public void Latency_FastRemoteDevice_OffloadsOnAFastLinkButNotOnASlowOne()
    {
        var devices = new[] { new DeviceProfile("phone", 1, long.MaxValue), new DeviceProfile("server", 20, long.MaxValue) };

        var fast = ObjectivePartitioner.PlanBestStageCount(
            fixture.Analysis, 2, PlanObjective.Latency, new PlanCosts(5 * GigaFlops, LinkProfile.FromMegabits(1000, 1)), devices);
        var slow = ObjectivePartitioner.PlanBestStageCount(
            fixture.Analysis, 2, PlanObjective.Latency, new PlanCosts(5 * GigaFlops, LinkProfile.FromMegabits(0.1, 1)), devices);

        Assert.Equal(2, fast.Partition.Stages.Count);
        Assert.True(fast.Partition.Stages[1].FlopsShare > 0.9, $"server share {fast.Partition.Stages[1].FlopsShare}");
        Assert.Single(slow.Partition.Stages);
    }

    // ResNet18's cuts with the fewest bytes (100352) run from 58 (after Plus363) to 73 (after ReLU393).
    [Theory]
    [InlineData(1.00, 1.02)]
    [InlineData(1.02, 1.00)]
    [InlineData(1.19, 1.20)]
    public void Latency_AlikeDevicesMeasuredAPercentApart_KeepTheLatestOfTheCheapestCuts(double originSpeed, double nextSpeed)
    {
        var devices = new[] { new DeviceProfile("device-1", originSpeed, long.MaxValue), new DeviceProfile("device-2", nextSpeed, long.MaxValue) };
        var costs = new PlanCosts(10 * GigaFlops, LinkProfile.FromMegabits(10, 0.5));

        var plan = ObjectivePartitioner.Plan(fixture.Analysis, 2, PlanObjective.Latency, costs, devices);

        Assert.Equal(73, plan.Partition.CutPositions.Single());
        Assert.Equal(100352, plan.Partition.BoundaryBytes);
    }

    [Fact]
    public void Latency_WithoutTolerance_FollowsTheFasterMeasuredDevice()
    {
        var devices = new[] { new DeviceProfile("device-1", 1.19, long.MaxValue), new DeviceProfile("device-2", 1.20, long.MaxValue) };
        var costs = new PlanCosts(10 * GigaFlops, LinkProfile.FromMegabits(10, 0.5)) { Tolerance = 0 };

        var plan = ObjectivePartitioner.Plan(fixture.Analysis, 2, PlanObjective.Latency, costs, devices);

        Assert.Equal(58, plan.Partition.CutPositions.Single());
    }

    [Fact]
    public void Latency_ClearlyFasterNextDevice_StillTakesTheWork()
    {
        var devices = new[] { new DeviceProfile("device-1", 1.0, long.MaxValue), new DeviceProfile("device-2", 1.5, long.MaxValue) };
        var costs = new PlanCosts(10 * GigaFlops, LinkProfile.FromMegabits(10, 0.5));

        var plan = ObjectivePartitioner.Plan(fixture.Analysis, 2, PlanObjective.Latency, costs, devices);

        // 59 is 58 and one ReLU more: within the tolerance, the later of the two.
        Assert.Equal(59, plan.Partition.CutPositions.Single());
    }

    [Fact]
    public void SlowLink_WithCodecsAllowed_UsesInt8()
    {
        var costs = new PlanCosts(10 * GigaFlops, LinkProfile.FromMegabits(10)) { Codecs = ActivationCodecs.All };

        var plan = ObjectivePartitioner.Plan(fixture.Analysis, 3, PlanObjective.Throughput, costs);

        Assert.All(plan.Links, link =>
        {
            Assert.Equal(ActivationCodec.Int8, link.Codec);
            Assert.InRange(link.WireBytes, link.RawBytes / 4, (link.RawBytes / 4) + (8 * 4));
        });
    }

    [Fact]
    public void UnlimitedLink_WithCodecsAllowed_StaysLossless()
    {
        var costs = new PlanCosts(10 * GigaFlops, LinkProfile.Unlimited) { Codecs = ActivationCodecs.All };

        var plan = ObjectivePartitioner.Plan(fixture.Analysis, 3, PlanObjective.Throughput, costs);

        Assert.All(plan.Links, link => Assert.Equal(ActivationCodec.None, link.Codec));
    }

    [Fact]
    public void Evaluate_ReproducesThePlannedTimes()
    {
        var costs = new PlanCosts(10 * GigaFlops, LinkProfile.FromMegabits(50, 2)) { Codecs = ActivationCodecs.All };
        var plan = ObjectivePartitioner.Plan(fixture.Analysis, 3, PlanObjective.Latency, costs);

        var evaluated = ObjectivePartitioner.Evaluate(fixture.Analysis, plan.Partition, PlanObjective.Latency, costs);

        Assert.Equal(plan.LatencySeconds, evaluated.LatencySeconds, 12);
        Assert.Equal(plan.StageSeconds.Sum() + plan.Links.Sum(l => 0.002 + (l.WireBytes / (50e6 / 8)) + l.CodecSeconds), plan.LatencySeconds, 12);
    }

    [Theory]
    [InlineData(0, 0, "A link bandwidth must be positive; got 0 bytes/s.")]
    [InlineData(1e6, -1, "A link round trip must be finite and not negative; got -1 s.")]
    public void BadLink_IsRejected(double bandwidth, double roundTrip, string message)
    {
        var costs = new PlanCosts(GigaFlops, new LinkProfile(bandwidth, roundTrip));

        var error = Assert.Throws<PartitionException>(() => ObjectivePartitioner.Plan(fixture.Analysis, 2, PlanObjective.Latency, costs));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-0.01)]
    public void ToleranceOutsideTheUnitInterval_IsRejected(double tolerance)
    {
        var costs = new PlanCosts(GigaFlops, LinkProfile.Unlimited) { Tolerance = tolerance };

        var error = Assert.Throws<PartitionException>(() => ObjectivePartitioner.Plan(fixture.Analysis, 2, PlanObjective.Latency, costs));

        Assert.Equal($"The planner's tolerance must be at least 0 and below 1; got {tolerance.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", error.Message);
    }

    [Fact]
    public void NoCodecAllowed_IsRejected()
    {
        var costs = new PlanCosts(GigaFlops, LinkProfile.Unlimited) { Codecs = [] };

        var error = Assert.Throws<PartitionException>(() => ObjectivePartitioner.Plan(fixture.Analysis, 2, PlanObjective.Throughput, costs));

        Assert.Equal("At least one codec must be allowed on the links; use none for lossless transfers.", error.Message);
    }
}
