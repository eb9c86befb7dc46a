using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeCluster.Client.Output;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx.Tensors;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

public static class InferCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Deployed model name", Required = true };
        var device = new Option<string>("--device") { Description = "Origin device: the device that owns the input; stage 0 runs there", Required = true };
        var input = new Option<string[]>("--input") { Description = "Input file (.npy, raw float32, or .ppm/.bmp image for ResNet18); NAME=FILE for several inputs", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--output") { Description = "Write the output to this .npy file (one file per output: NAME is inserted before .npy)" };
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("infer", "Run one inference entering at the device that owns the input") { model, device, input, output, gateway, clusterId, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var modelName = result.GetValue(model)!;
            var origin = result.GetValue(device)!;
            await using var client = await FleetConnection.ConnectAsync(result.GetValue(gateway), result.GetValue(clusterId), result.GetValue(gateway) is null ? origin : null, cancellationToken);
            var info = (await client.ListModelsAsync()).FirstOrDefault(m => m.Name == modelName)
                ?? throw new EdgeClusterCliException($"Model '{modelName}' is not registered.");
            var inputs = InputFiles.Load(result.GetValue(input) ?? [], info);
            var watch = Stopwatch.StartNew();
            var inference = await client.InferAsync(modelName, origin, inputs);
            var latency = watch.Elapsed.TotalMilliseconds;
            var offDevice = await client.BytesOffDeviceAsync(inference.RequestId, origin, info.Inputs.Select(i => i.Name).ToArray());
            var outputs = inference.Outputs.Select(o => o.ToNamedTensor()).ToArray();

            AnsiConsole.Write(Tables.Hops(inference.Hops));
            foreach (var tensor in outputs)
            {
                AnsiConsole.MarkupLineInterpolated($"{tensor.Name} {ShapeMath.Format(tensor.Shape)}: {Leading(tensor)}");
            }

            if (result.GetValue(output) is { } path)
            {
                WriteOutputs(path, outputs);
            }

            AnsiConsole.MarkupLineInterpolated($"latency {latency:F1} ms, raw input bytes received off {origin}: {offDevice}");
            if (result.GetValue(json))
            {
                JsonLine.Write(new Dictionary<string, object>
                {
                    ["model"] = modelName,
                    ["device"] = origin,
                    ["request_id"] = inference.RequestId,
                    ["latency_ms"] = Math.Round(latency, 3),
                    ["outputs"] = outputs.Select(o => new { name = o.Name, shape = o.Shape, leading = LeadingValues(o) }).ToArray(),
                    ["hops"] = inference.Hops.Select(Tables.HopJson).ToArray(),
                    ["raw_input_bytes_off_device"] = offDevice,
                    ["trace_id"] = inference.TraceId ?? "",
                });
            }

            return 0;
        });
        return command;
    }

    private static double[] LeadingValues(NamedTensor tensor)
    {
        try
        {
            return TensorComparison.ToDoubles(tensor).Take(8).Select(v => Math.Round(v, 6)).ToArray();
        }
        catch (NotSupportedException)
        {
            return [];
        }
    }

    private static string Leading(NamedTensor tensor) =>
        string.Join(", ", LeadingValues(tensor).Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + (tensor.ElementCount > 8 ? ", …" : "");

    private static void WriteOutputs(string path, IReadOnlyList<NamedTensor> outputs)
    {
        foreach (var tensor in outputs)
        {
            var target = outputs.Count == 1 ? path : Path.ChangeExtension(path, null) + "." + tensor.Name + ".npy";
            NpyFile.Write(target, tensor);
            AnsiConsole.MarkupLineInterpolated($"wrote {target}");
        }
    }
}
