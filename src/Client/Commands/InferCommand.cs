using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeCluster.Client.Output;
using EdgeCluster.Client.Protocol;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx.Tensors;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

public static class InferCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Deployed model name", Required = true };
        var device = new Option<string?>("--device") { Description = "Origin device: the device that owns the input; stage 0 runs there (not with --endpoint)" };
        var endpoint = new Option<string?>("--endpoint") { Description = "http://HOST:PORT of a silo's Open Inference Protocol gRPC endpoint; its device is the origin" };
        var input = new Option<string[]>("--input") { Description = "Input file (.npy, raw float32, or .ppm/.bmp image for ResNet18); NAME=FILE for several inputs", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--output") { Description = "Write the output to this .npy file (one file per output: NAME is inserted before .npy)" };
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("infer", "Run one inference entering at the device that owns the input") { model, device, endpoint, input, output, gateway, clusterId, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var modelName = result.GetValue(model)!;
            var summary = result.GetValue(endpoint) is { } address
                ? await InferOverGrpcAsync(OpenInferenceClientOptions.ParseEndpoint(address), modelName, result.GetValue(input) ?? [], cancellationToken)
                : await InferOverGrainsAsync(
                    result.GetValue(device) ?? throw new EdgeClusterCliException("Give --device (the origin device), or --endpoint to go through a silo's gRPC endpoint."),
                    result.GetValue(gateway), result.GetValue(clusterId), modelName, result.GetValue(input) ?? [], cancellationToken);

            if (result.GetValue(output) is { } path)
            {
                WriteOutputs(path, summary.Outcome.Outputs);
            }

            if (result.GetValue(json))
            {
                JsonLine.Write(summary.Json);
            }

            return 0;
        });
        return command;
    }

    private static async Task<Summary> InferOverGrpcAsync(Uri endpoint, string modelName, string[] inputFiles, CancellationToken cancellationToken)
    {
        using var client = new OpenInferenceClient(new OpenInferenceClientOptions(endpoint));
        var (_, outcome, latency) = await RunAsync(client, modelName, inputFiles, cancellationToken);
        Print(outcome);
        AnsiConsole.MarkupLineInterpolated($"latency {latency:F1} ms over gRPC via {endpoint}, entered at {outcome.Device}");
        return new Summary(outcome, new Dictionary<string, object>
        {
            ["model"] = modelName,
            ["device"] = outcome.Device,
            ["endpoint"] = endpoint.ToString(),
            ["request_id"] = outcome.RequestId,
            ["latency_ms"] = Math.Round(latency, 3),
            ["outputs"] = OutputsJson(outcome),
            ["trace_id"] = outcome.TraceId ?? "",
        });
    }

    private static async Task<Summary> InferOverGrainsAsync(
        string origin, string? gateway, string? clusterId, string modelName, string[] inputFiles, CancellationToken cancellationToken)
    {
        await using var cluster = await FleetConnection.ConnectAsync(gateway, clusterId, gateway is null ? origin : null, cancellationToken);
        var (signature, outcome, latency) = await RunAsync(new GrainInferenceClient(cluster, origin), modelName, inputFiles, cancellationToken);
        var offDevice = await cluster.BytesOffDeviceAsync(outcome.RequestId, origin, signature.Inputs.Select(i => i.Name).ToArray());

        AnsiConsole.Write(Tables.Hops(outcome.Hops));
        Print(outcome);
        AnsiConsole.MarkupLineInterpolated($"latency {latency:F1} ms, raw input bytes received off {origin}: {offDevice}");
        return new Summary(outcome, new Dictionary<string, object>
        {
            ["model"] = modelName,
            ["device"] = origin,
            ["request_id"] = outcome.RequestId,
            ["latency_ms"] = Math.Round(latency, 3),
            ["outputs"] = OutputsJson(outcome),
            ["hops"] = outcome.Hops.Select(Tables.HopJson).ToArray(),
            ["raw_input_bytes_off_device"] = offDevice,
            ["trace_id"] = outcome.TraceId ?? "",
        });
    }

    private static async Task<(ModelSignature Signature, InferenceOutcome Outcome, double LatencyMs)> RunAsync(
        IInferenceClient client, string modelName, string[] inputFiles, CancellationToken cancellationToken)
    {
        var signature = await client.GetSignatureAsync(modelName, cancellationToken);
        var inputs = InputFiles.Load(inputFiles, AsModelInfo(signature));
        var watch = Stopwatch.StartNew();
        var outcome = await client.InferAsync(modelName, inputs, cancellationToken: cancellationToken);
        return (signature, outcome, watch.Elapsed.TotalMilliseconds);
    }

    // InputFiles reads only a model's name and inputs; the registry's other facts do not travel over the protocol.
    private static ModelInfo AsModelInfo(ModelSignature signature) =>
        new(signature.Name, string.Empty, 0, [.. signature.Inputs], [.. signature.Outputs], 0, 0, 0, default);

    private static void Print(InferenceOutcome outcome)
    {
        foreach (var tensor in outcome.Outputs)
        {
            AnsiConsole.MarkupLineInterpolated($"{tensor.Name} {ShapeMath.Format(tensor.Shape)}: {Leading(tensor)}");
        }
    }

    private static object[] OutputsJson(InferenceOutcome outcome) =>
        outcome.Outputs.Select(o => (object)new { name = o.Name, shape = o.Shape, leading = LeadingValues(o) }).ToArray();

    private static double[] LeadingValues(NamedTensor tensor)
    {
        try
        {
            return TensorComparison.ToDoubles(tensor).Take(8).Select(v => Math.Round(v, 6)).ToArray();
        }
        catch (ArgumentException)
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

    private sealed record Summary(InferenceOutcome Outcome, Dictionary<string, object> Json);
}
