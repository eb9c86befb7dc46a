using System.Text.Json;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Tests.Cli;

namespace EdgeCluster.Client.Tests;

public sealed class DemoTests
{
    [Fact]
    public async Task Demo_SplitsResNet18OverThreeSiloProcesses_MatchesTheWholeModel_AndStopsItsFleet()
    {
        await using var home = new TempHome();
        var demoHome = Path.Combine(home.Path, "demo");
        using var stop = new CancellationTokenSource();

        // The demo records its fleet only while it runs; watching the file is how the test learns the silo pids.
        var watch = WatchSiloPidsAsync(demoHome, stop.Token);
        var run = await EdgeClusterCli.RunAsync(home.Path, "demo", "--json");
        await stop.CancelAsync();
        var pids = await watch;

        run.AssertSucceeded();
        var summary = run.Json();
        Assert.Equal("resnet18", summary.GetProperty("model").GetString());
        Assert.Equal(3, summary.GetProperty("stages").GetInt32());
        var devices = summary.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!).ToArray();
        Assert.Equal(["device-1", "device-2", "device-3"], devices);
        Assert.InRange(summary.GetProperty("max_abs_diff").GetDouble(), 0, 1e-5);
        Assert.Equal(0, summary.GetProperty("raw_input_bytes_off_device").GetInt64());
        var hops = summary.GetProperty("hops").EnumerateArray().ToArray();
        Assert.Equal(devices, hops.Select(h => h.GetProperty("device").GetString()!));
        Assert.Equal(602112, hops[0].GetProperty("bytes_in").GetInt64());
        Assert.Equal(hops[0].GetProperty("bytes_out").GetInt64(), hops[1].GetProperty("bytes_in").GetInt64());
        Assert.Equal(hops[1].GetProperty("bytes_out").GetInt64(), hops[2].GetProperty("bytes_in").GetInt64());

        Assert.Equal(3, pids.Count);
        Assert.All(pids, pid => Assert.False(SiloProcesses.IsRunning(pid), $"silo process {pid} of the demo fleet is still running"));
        Assert.False(File.Exists(FleetState.PathIn(demoHome)));
    }

    private static async Task<HashSet<int>> WatchSiloPidsAsync(string demoHome, CancellationToken stop)
    {
        var pids = new HashSet<int>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                foreach (var silo in FleetState.TryRead(demoHome)?.Silos ?? [])
                {
                    pids.Add(silo.Pid);
                }
            }
            catch (Exception exception) when (exception is IOException or JsonException)
            {
                // Caught the file mid-write; the next look sees it whole.
            }

            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return pids;
    }
}
