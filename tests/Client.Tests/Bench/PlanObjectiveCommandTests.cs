using EdgeCluster.Client.Tests.Cli;

namespace EdgeCluster.Client.Tests.Bench;

/// <summary><c>plan --objective</c> with explicit device speed and link bandwidth (no calibration run, no fleet).</summary>
public sealed class PlanObjectiveCommandTests
{
    [Fact]
    public async Task TinyBandwidth_CutsWhereTheFewestBytesCross_AndPicksInt8WhenAllowed()
    {
        await using var home = new TempHome();

        var run = (await EdgeClusterCli.RunAsync(
            home.Path, "plan", "resnet18", "--objective", "throughput", "--stages", "2", "--bandwidth-mbit", "0.001", "--gflops", "100", "--codec", "auto", "--json"))
            .AssertSucceeded();

        var summary = run.Json();
        Assert.Equal("throughput", summary.GetProperty("objective").GetString());
        Assert.Equal(100, summary.GetProperty("gflops").GetDouble());
        var link = summary.GetProperty("links").EnumerateArray().Single();
        Assert.Equal("int8", link.GetProperty("codec").GetString());

        // ResNet18's smallest crossing set is the last block's output, Float[1,512,7,7]: 100352 bytes, 25088 + 8 as int8.
        Assert.Equal(100352, link.GetProperty("raw_bytes").GetInt64());
        Assert.Equal(25096, link.GetProperty("wire_bytes").GetInt64());
        Assert.Equal(2, summary.GetProperty("stages").GetArrayLength());
    }

    [Fact]
    public async Task LatencyObjective_WithoutStages_ComparesEveryStageCount()
    {
        await using var home = new TempHome();

        var run = (await EdgeClusterCli.RunAsync(
            home.Path, "plan", "resnet18", "--objective", "latency", "--bandwidth-mbit", "100", "--rtt-ms", "1", "--gflops", "50", "--json"))
            .AssertSucceeded();

        var summary = run.Json();
        Assert.Equal([1, 2, 3, 4], summary.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("stages").GetInt32()));

        // Equal devices: splitting only adds transfers, so one stage is fastest.
        Assert.Equal(1, summary.GetProperty("stages").GetArrayLength());
        Assert.Empty(summary.GetProperty("links").EnumerateArray());
    }

    [Fact]
    public async Task UnknownObjective_IsReportedOnOneLine()
    {
        await using var home = new TempHome();

        var run = await EdgeClusterCli.RunAsync(home.Path, "plan", "resnet18", "--objective", "energy", "--gflops", "50");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --objective 'energy' is not latency or throughput.", run.StandardError.Trim());
    }
}
