using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Tests.Cli;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Tests;

/// <summary>
/// A user's session against one local fleet of two silo processes, in order: up, status, devices,
/// deploy, infer, down. One scenario, because starting a fleet is the expensive part.
/// </summary>
public sealed partial class FleetCommandTests
{
    [Fact]
    public async Task FleetUp_Status_Devices_Deploy_Infer_Down()
    {
        await using var home = new TempHome();

        var up = (await EdgeClusterCli.RunAsync(home.Path, "fleet", "up", "--silos", "2", "--json")).AssertSucceeded();
        var silos = up.Json().GetProperty("silos").EnumerateArray().ToArray();
        Assert.Equal(["device-1", "device-2"], silos.Select(s => s.GetProperty("device").GetString()));
        var pids = silos.Select(s => s.GetProperty("pid").GetInt32()).ToArray();
        Assert.All(pids, pid => Assert.True(SiloProcesses.IsRunning(pid), $"silo {pid} is not running after 'fleet up'"));
        Assert.All(pids, pid => Assert.Contains($"{FleetLauncher.SingleCoreTieringVariable}=1\0", File.ReadAllText($"/proc/{pid}/environ"), StringComparison.Ordinal));
        Assert.Equal(2, silos.Select(s => s.GetProperty("gateway").GetString()).Distinct().Count());

        var status = (await EdgeClusterCli.RunAsync(home.Path, "fleet", "status", "--json")).AssertSucceeded();
        Assert.Equal(up.Json().GetProperty("silos").ToString(), status.Json().GetProperty("silos").ToString());

        var devices = (await EdgeClusterCli.RunAsync(home.Path, "devices", "--json")).AssertSucceeded().Json().GetProperty("devices").EnumerateArray().ToArray();
        Assert.Equal(["device-1", "device-2"], devices.Select(d => d.GetProperty("device").GetString()));
        Assert.Equal(pids, devices.Select(d => d.GetProperty("pid").GetInt32()));
        Assert.Equal(
            silos.Select(s => s.GetProperty("gateway").GetString()),
            devices.Select(d => d.GetProperty("gateway").GetString()));

        var deploy = (await EdgeClusterCli.RunAsync(
            home.Path, "deploy", "resnet18", "--stages", "2", "--max-batch", "4", "--max-batch-wait-ms", "2", "--json")).AssertSucceeded().Json();
        Assert.Equal("resnet18", deploy.GetProperty("deployment").GetString());
        Assert.Equal(2, deploy.GetProperty("stages").GetInt32());
        Assert.Equal(["device-1", "device-2"], deploy.GetProperty("devices").EnumerateArray().Select(d => d.GetString()));
        Assert.All(deploy.GetProperty("batching").EnumerateArray(), b => Assert.Equal((4, 2.0), (b.GetProperty("max_batch").GetInt32(), b.GetProperty("max_wait_ms").GetDouble())));

        var inputPath = Path.Combine(home.Path, "input.npy");
        using var whole = ShardSession.FromFile(ResNet18.ModelPath);
        var input = DeterministicInputs.Create(whole.Inputs, seed: 5)[0];
        NpyFile.Write(inputPath, input);
        var infer = (await EdgeClusterCli.RunAsync(
            home.Path, "infer", "--model", "resnet18", "--device", "device-1", "--input", inputPath, "--json")).AssertSucceeded().Json();
        Assert.Equal(0, infer.GetProperty("raw_input_bytes_off_device").GetInt64());
        Assert.Matches(TraceId(), infer.GetProperty("trace_id").GetString());
        var hops = infer.GetProperty("hops").EnumerateArray().ToArray();
        Assert.Equal(["device-1", "device-2"], hops.Select(h => h.GetProperty("device").GetString()));
        Assert.Equal(602112, hops[0].GetProperty("bytes_in").GetInt64());
        Assert.Equal(hops[0].GetProperty("bytes_out").GetInt64(), hops[1].GetProperty("bytes_in").GetInt64());
        Assert.Equal([1, 1], hops.Select(h => h.GetProperty("batch_rows").GetInt32()));
        var output = Assert.Single(infer.GetProperty("outputs").EnumerateArray());
        Assert.Equal(ResNet18.OutputName, output.GetProperty("name").GetString());
        Assert.Equal([1L, 512, 1, 1], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var expected = whole.Run([input])[0].AsFloats()[..8].ToArray();
        Assert.Equal(
            expected.Select(v => Math.Round(v, 6)),
            output.GetProperty("leading").EnumerateArray().Select(v => v.GetDouble()),
            new ToleranceComparer(1e-5));

        (await EdgeClusterCli.RunAsync(home.Path, "fleet", "down")).AssertSucceeded();
        Assert.All(pids, pid => Assert.False(SiloProcesses.IsRunning(pid), $"silo {pid} is still running after 'fleet down'"));
        var after = await EdgeClusterCli.RunAsync(home.Path, "fleet", "status", "--json");
        Assert.Equal(2, after.ExitCode);
        Assert.StartsWith($"error: No local fleet is recorded in {home.Path}.", after.StandardError, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceId();

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
