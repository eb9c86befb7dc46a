using System.CommandLine;
using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Output;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Interfaces.Tensors;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

public static class DeployCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An .onnx file, or a built-in model: resnet18, transformer, two-branch, unet" };
        var name = new Option<string?>("--name") { Description = "Name to register and deploy under (default: the file name)" };
        var stages = CommonOptions.Stages(3);
        var codec = new Option<string>("--codec") { Description = "Codec for activations between stages: none, fp16 or int8", DefaultValueFactory = _ => "none" };
        var devices = new Option<string?>("--devices") { Description = "Comma-separated device ids, stage 0 on the first (default: every device)" };
        var origins = new Option<string?>("--origins") { Description = "Comma-separated devices that send requests: each gets stage 0 loaded now (default: origins load it on first use)" };
        var replicas = new Option<int>("--replicas") { Description = "Replicas of every stage after stage 0, on distinct devices", DefaultValueFactory = _ => 1 };
        var cuts = new Option<string?>("--cuts") { Description = "Comma-separated cut positions, as 'plan' lists the valid ones (default: FLOP-balanced); --stages defaults to their count + 1" };
        var maxBatch = new Option<int>("--max-batch") { Description = "Dynamic batching: most rows a stage runs at once (2-256; default off). Stages whose shard cannot batch run requests alone" };
        var batchWait = new Option<double>("--max-batch-wait-ms") { Description = "Dynamic batching: how long a batch waits for more requests (0: only those queued behind a busy device)" };
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("deploy", "Register a model and deploy it split into stages across devices") { model, name, stages, devices, origins, replicas, codec, cuts, maxBatch, batchWait, gateway, clusterId, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (defaultName, content) = ModelSource.Load(result.GetValue(model)!);
            var cutPositions = ParseCuts(result.GetValue(cuts));
            var batching = ParseBatching(result.GetValue(maxBatch), result.GetValue(batchWait));
            var stageCount = cutPositions.Length > 0 && result.GetResult(stages) is null or { Implicit: true } ? cutPositions.Length + 1 : result.GetValue(stages);
            await using var client = await FleetConnection.ConnectAsync(result.GetValue(gateway), result.GetValue(clusterId), null, cancellationToken);
            var status = await RegisterAndDeployAsync(
                client, result.GetValue(name) ?? defaultName, content, stageCount, ParseDevices(result.GetValue(devices)), cancellationToken,
                ParseCodec(result.GetValue(codec)!), ParseDevices(result.GetValue(origins)), result.GetValue(replicas), cutPositions, batching);
            CatalogCommands.PrintRoute(status.Route!);
            if (result.GetValue(json))
            {
                JsonLine.Write(new
                {
                    deployment = status.Name,
                    model = status.Route!.Model,
                    stages = status.Route.Stages.Length,
                    devices = status.Route.Stages.Select(s => s.DeviceId),
                    replicas = status.Route.Stages.Select(s => s.Devices),
                    forwards = status.Route.Stages.Select(s => s.ForwardNames),
                    batching = status.Route.Stages.Select(s => s.Batching is { } b ? new { max_batch = b.MaxBatchSize, max_wait_ms = b.MaxWaitMilliseconds } : null),
                    version = status.Route.Version,
                });
            }

            return 0;
        });
        return command;
    }

    /// <summary>Parses <c>--codec</c>: none, fp16 or int8.</summary>
    public static TensorEncoding ParseCodec(string value) => value.Trim().ToLowerInvariant() switch
    {
        "none" => TensorEncoding.None,
        "fp16" => TensorEncoding.Float16,
        "int8" => TensorEncoding.Int8,
        _ => throw new EdgeClusterCliException($"--codec '{value}' is not none, fp16 or int8."),
    };

    /// <summary>Batching from <c>--max-batch</c> and <c>--max-batch-wait-ms</c>; null when no batch size is given.</summary>
    public static StageBatching? ParseBatching(int maxBatch, double waitMilliseconds)
    {
        if (maxBatch == 0)
        {
            return waitMilliseconds == 0 ? null : throw new EdgeClusterCliException("--max-batch-wait-ms needs --max-batch.");
        }

        var batching = new StageBatching(maxBatch, waitMilliseconds);
        return batching.Problem() is { } problem ? throw new EdgeClusterCliException($"Batching: {problem}.") : batching;
    }

    /// <summary>Parses <c>--cuts</c>: comma-separated non-negative integers; empty when not given.</summary>
    public static int[] ParseCuts(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position)
                ? position
                : throw new EdgeClusterCliException($"--cuts '{value}': '{part}' is not a node position."))
            .ToArray() ?? [];

    public static string[] ParseDevices(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Uploads (with a progress bar), registers and deploys; the deployment takes the model's name.</summary>
    public static async Task<DeploymentStatus> RegisterAndDeployAsync(
        EdgeClusterClient client, string name, byte[] content, int stages, string[] devices, CancellationToken cancellationToken,
        TensorEncoding codec = TensorEncoding.None, string[]? origins = null, int replicas = 1, int[]? cuts = null, StageBatching? batching = null)
    {
        ModelInfo? info = null;
        await AnsiConsole.Progress().StartAsync(async context =>
        {
            var upload = context.AddTask($"upload {Markup.Escape(name)} ({Tables.Bytes(content.LongLength)})", maxValue: content.LongLength);
            info = await client.RegisterModelAsync(name, content, new Progress<long>(sent => upload.Value = sent), cancellationToken);
            upload.Value = content.LongLength;
        });

        AnsiConsole.MarkupLineInterpolated($"registered [bold]{info!.Name}[/] sha256 {info.Sha256[..12]}, {info.NodeCount} nodes, opset {info.OpsetVersion}");
        var status = await AnsiConsole.Status().StartAsync(
            $"deploying {name} in {stages} stages",
            _ => client.DeployAsync(name, new DeploymentSpec(name, stages, devices) { Codec = codec, Origins = origins ?? [], Replicas = replicas, Cuts = cuts ?? [], Batching = batching }));
        AnsiConsole.MarkupLineInterpolated($"deployed [bold]{name}[/] version {status.Route!.Version}: {string.Join(" → ", status.Route.Stages.Select(s => string.Join("+", s.Devices)))}");
        return status;
    }
}
