using System.CommandLine;
using System.Diagnostics;
using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Output;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary>
/// The whole tour on this machine: a fleet of silo processes, ResNet18 split across them, one request
/// entering at its own device, and the answer checked against ONNX Runtime running the whole model here.
/// </summary>
public static class DemoCommand
{
    private const string ModelName = "resnet18";

    public static Command Create()
    {
        var silos = new Option<int>("--silos") { Description = "Number of silo processes (devices)", DefaultValueFactory = _ => 3 };
        var stages = CommonOptions.Stages(3);
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json();
        var command = new Command("demo", "Start a local fleet, split ResNet18 across it, run and check one inference, stop the fleet") { silos, stages, seed, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var summary = await RunAsync(result.GetValue(silos), result.GetValue(stages), result.GetValue(seed), cancellationToken);
            if (result.GetValue(json))
            {
                JsonLine.Write(summary);
            }

            return 0;
        });
        return command;
    }

    public static async Task<Dictionary<string, object>> RunAsync(int silos, int stages, int seed, CancellationToken cancellationToken)
    {
        // The demo's fleet lives in its own folder so it never touches a fleet the user started.
        var launcher = new FleetLauncher(Path.Combine(EdgeClusterHome.Resolve(), "demo"));
        await launcher.DownAsync();
        try
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]1.[/] starting {silos} silo processes");
            var fleet = await launcher.UpAsync(silos, new Progress<string>(m => AnsiConsole.MarkupLineInterpolated($"   [grey]{m}[/]")), cancellationToken);
            FleetCommands.Print(fleet);

            var origin = fleet.Silos[0].Device;
            await using var client = await EdgeClusterClient.ConnectAsync(fleet.ClientOptions([fleet.Silo(origin)]), cancellationToken);

            AnsiConsole.MarkupLineInterpolated($"[bold]2.[/] deploying ResNet18 in {stages} stages");
            var devices = fleet.Silos.Select(s => s.Device).Take(stages).ToArray();
            var deployment = await DeployCommand.RegisterAndDeployAsync(
                client, ModelName, await File.ReadAllBytesAsync(ResNet18.ModelPath, cancellationToken), stages, devices, cancellationToken);
            CatalogCommands.PrintRoute(deployment.Route!);

            AnsiConsole.MarkupLineInterpolated($"[bold]3.[/] one inference entering at {origin}, which owns the input");
            using var whole = ShardSession.FromFile(ResNet18.ModelPath);
            var input = DeterministicInputs.Create(whole.Inputs, seed);
            await client.InferAsync(ModelName, origin, input); // warm-up: first calls open connections and JIT the path
            var watch = Stopwatch.StartNew();
            var inference = await client.InferAsync(ModelName, origin, input);
            var latency = watch.Elapsed.TotalMilliseconds;
            var offDevice = await client.BytesOffDeviceAsync(inference.RequestId, origin, [ResNet18.InputName]);

            AnsiConsole.MarkupLineInterpolated($"[bold]4.[/] comparing with the whole model run in this process");
            var expected = whole.Run(input)[0];
            var actual = inference.Outputs.Single(o => o.Name == ResNet18.OutputName).ToNamedTensor();
            var maxAbsDiff = TensorComparison.MaxAbsDiff(expected, actual);

            AnsiConsole.Write(Tables.Hops(inference.Hops));
            AnsiConsole.MarkupLineInterpolated(
                $"output {ResNet18.OutputName} {ShapeMath.Format(actual.Shape)}, max abs diff vs whole model {maxAbsDiff:E2}, latency {latency:F1} ms, raw input bytes received by other devices: {offDevice}");

            return new Dictionary<string, object>
            {
                ["model"] = ModelName,
                ["stages"] = deployment.Route!.Stages.Length,
                ["devices"] = deployment.Route.Stages.Select(s => s.DeviceId).ToArray(),
                ["max_abs_diff"] = maxAbsDiff,
                ["latency_ms"] = Math.Round(latency, 3),
                ["hops"] = inference.Hops.Select(Tables.HopJson).ToArray(),
                ["raw_input_bytes_off_device"] = offDevice,
            };
        }
        finally
        {
            AnsiConsole.MarkupLine("[bold]5.[/] stopping the fleet");
            await launcher.DownAsync();
        }
    }
}
