using System.Text.Json;
using EdgeCluster.Client.Bench;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Tests.Cli;

namespace EdgeCluster.Client.Tests.Bench;

public sealed class BenchCommandTests
{
    private static readonly string[] SummaryKeys =
    [
        "baseline_ms", "split_latency_ratio", "pipeline_rps", "baseline_rps_1core", "baseline_rps_2core", "bytes_per_request",
        "int8_cosine", "fp16_cosine", "planner_ms", "best_split_ms", "hop_overhead_ms_1mb",
    ];

    [Fact]
    public async Task QuickBench_ReportsEveryFigure_AndStopsItsFleets()
    {
        await using var home = new TempHome();
        var benchHomes = Path.Combine(home.Path, BenchFleet.Folder);
        try
        {
            var run = (await EdgeClusterCli.RunAsync(home.Path, "bench", "--quick", "--json")).AssertSucceeded();

            var summary = run.Json();
            Assert.All(SummaryKeys, key => Assert.True(summary.TryGetProperty(key, out _), $"missing '{key}' in {summary}"));
            Assert.True(summary.GetProperty("baseline_ms").GetDouble() > 0);
            var ratios = summary.GetProperty("split_latency_ratio");
            var ofMedians = summary.GetProperty("split_latency_ratio_of_medians");
            Assert.All(["1", "2", "3", "4"], stages => Assert.True(ratios.GetProperty(stages).GetDouble() > 0, $"stages {stages}: {ratios}"));
            Assert.All(["1", "2", "3", "4"], stages => Assert.True(ofMedians.GetProperty(stages).GetDouble() > 0, $"stages {stages}: {ofMedians}"));
            Assert.All(["pipeline_rps", "pipeline_rps_batched", "baseline_rps_1core", "baseline_rps_2core"], key => Assert.True(summary.GetProperty(key).GetDouble() > 0, $"{key}: {summary}"));
            Assert.All(["tls_hop_overhead_ms_1mb", "plain_hop_overhead_ms_1mb_beside_tls"], key => Assert.InRange(summary.GetProperty(key).GetDouble(), 0.01, 1000));
            Assert.Equal(JsonValueKind.Number, summary.GetProperty("hop_overhead_ms_1mb").ValueKind);

            // Quick: 3 rounds of 10 hop pairs.
            Assert.Equal(30, summary.GetProperty("hop_runs").GetInt32());

            // The devices' own call filters count what arrived: float32, then half of it, then a quarter.
            var bytes = summary.GetProperty("bytes_per_request");
            var none = bytes.GetProperty("none").GetInt64();
            Assert.True(none > 0);
            Assert.Equal(none / 2, bytes.GetProperty("fp16").GetInt64());
            Assert.Equal(none / 4, bytes.GetProperty("int8").GetInt64());
            Assert.InRange(summary.GetProperty("fp16_cosine").GetDouble(), 0.99999, 1 + 1e-9);
            Assert.InRange(summary.GetProperty("int8_cosine").GetDouble(), 0.9999, 1 + 1e-9);

            // Shaped links are measured only on the network-namespace rig (root, ip, tc); without it the figures are null, not made up.
            if (LinkShaping.Unavailable() is null)
            {
                Assert.True(summary.GetProperty("planner_ms").GetDouble() > 0, $"planner_ms: {summary}");
                Assert.True(summary.GetProperty("best_split_ms").GetDouble() > 0, $"best_split_ms: {summary}");
                var shaped = Assert.Single(summary.GetProperty("shaped_links").EnumerateArray());
                Assert.Equal(10, shaped.GetProperty("mbit").GetDouble());
                var measured = shaped.GetProperty("cuts").EnumerateArray().Select(c => c.GetProperty("position").GetInt32()).ToArray();
                var plannerCut = Assert.Single(shaped.GetProperty("planner_cuts").EnumerateArray()).GetInt32();
                Assert.Contains(plannerCut, measured);
                Assert.True(shaped.GetProperty("best_ms").GetDouble() <= shaped.GetProperty("planner_ms").GetDouble(), $"{shaped}");

                // The figures are medians of 5 requests (quick), from the head-to-head run unless the planner's cut was itself the fastest retimed.
                Assert.Equal(5, shaped.GetProperty("figures_runs").GetInt32());
                Assert.True(shaped.GetProperty("best_retimed_ms").GetDouble() > 0, $"{shaped}");
                if (shaped.GetProperty("best_split").GetString()!.StartsWith($"cut {plannerCut} ", StringComparison.Ordinal))
                {
                    Assert.Equal(shaped.GetProperty("best_ms").GetDouble(), shaped.GetProperty("planner_ms").GetDouble());
                }
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, summary.GetProperty("planner_ms").ValueKind);
                Assert.Equal(JsonValueKind.Null, summary.GetProperty("best_split_ms").ValueKind);
            }

            Assert.Empty(Directory.Exists(benchHomes) ? Directory.GetDirectories(benchHomes) : []);
        }
        finally
        {
            await StopLeftoverFleetsAsync(benchHomes);
        }
    }

    [Fact]
    public async Task QuickReplicaBench_ReportsTheMedianOfItsRoundsOfOneAndTwoReplicas_AndStopsItsFleet()
    {
        await using var home = new TempHome();
        var benchHomes = Path.Combine(home.Path, BenchFleet.Folder);
        try
        {
            var run = (await EdgeClusterCli.RunAsync(home.Path, "bench", "--replicas", "--quick", "--json")).AssertSucceeded();

            var scaling = run.Json().GetProperty("replica_scaling");
            var one = Assert.Single(scaling.GetProperty("one_replica_rounds").EnumerateArray()).GetDouble();
            var two = Assert.Single(scaling.GetProperty("two_replicas_rounds").EnumerateArray()).GetDouble();
            Assert.True(one > 0 && two > 0, $"{scaling}");
            Assert.Equal(one, scaling.GetProperty("one_replica_rps").GetDouble());
            Assert.Equal(two, scaling.GetProperty("two_replicas_rps").GetDouble());
            Assert.InRange(scaling.GetProperty("speedup").GetDouble(), (two / one) - 0.002, (two / one) + 0.002);
            Assert.Equal(8, scaling.GetProperty("concurrency").GetInt32());
            Assert.Contains("tail now on device-2, device-3", run.StandardOutput, StringComparison.Ordinal);
            Assert.Empty(Directory.Exists(benchHomes) ? Directory.GetDirectories(benchHomes) : []);
        }
        finally
        {
            await StopLeftoverFleetsAsync(benchHomes);
        }
    }

    private static async Task StopLeftoverFleetsAsync(string benchHomes)
    {
        if (!Directory.Exists(benchHomes))
        {
            return;
        }

        foreach (var fleetHome in Directory.GetDirectories(benchHomes))
        {
            if (FleetState.TryRead(fleetHome) is { } state)
            {
                await FleetLauncher.StopAsync(state);
            }
        }
    }
}
