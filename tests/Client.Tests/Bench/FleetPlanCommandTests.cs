using EdgeCluster.Client.Profiling;
using EdgeCluster.Client.Tests.Cli;

namespace EdgeCluster.Client.Tests.Bench;

/// <summary><c>plan --fleet</c> measuring a live two-silo fleet, and <c>deploy --cuts</c> taking the plan's cut.</summary>
public sealed class FleetPlanCommandTests
{
    [Fact]
    public async Task PlanAgainstTheLiveFleet_MeasuresTheLink_AndDeployTakesItsCut()
    {
        await using var home = new TempHome();
        (await EdgeClusterCli.RunAsync(home.Path, "fleet", "up", "--silos", "2", "--json")).AssertSucceeded();

        var plan = (await EdgeClusterCli.RunAsync(
            home.Path, "plan", "resnet18", "--objective", "latency", "--stages", "2", "--fleet", "--gflops", "50", "--json")).AssertSucceeded().Json();
        var deployed = (await EdgeClusterCli.RunAsync(
            home.Path, "deploy", "resnet18", "--cuts", plan.GetProperty("cut_positions")[0].GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), "--json"))
            .AssertSucceeded().Json();

        var link = Assert.Single(plan.GetProperty("fleet").GetProperty("links").EnumerateArray());
        Assert.Equal("device-1", link.GetProperty("from").GetString());
        Assert.Equal("device-2", link.GetProperty("to").GetString());
        Assert.Equal(FleetProfile.DefaultPayloadBytes, link.GetProperty("probe_bytes").GetInt64());
        Assert.True(link.GetProperty("mbit").GetDouble() > 0, $"{link}");
        Assert.Equal(["device-1", "device-2"], plan.GetProperty("fleet").GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("device").GetString()));
        Assert.Equal(2, deployed.GetProperty("stages").GetInt32());
        Assert.Equal(
            plan.GetProperty("cuts")[0].EnumerateArray().Select(t => t.GetString()),
            deployed.GetProperty("forwards")[0].EnumerateArray().Select(t => t.GetString()));

        (await EdgeClusterCli.RunAsync(home.Path, "fleet", "down")).AssertSucceeded();
    }

    [Fact]
    public async Task FleetWithoutObjective_IsReportedOnOneLine()
    {
        await using var home = new TempHome();

        var run = await EdgeClusterCli.RunAsync(home.Path, "plan", "resnet18", "--fleet");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --fleet needs --objective latency or throughput: the FLOP-balanced plan does not use speeds or links.", run.StandardError.Trim());
    }
}
