using System.CommandLine;
using System.Globalization;
using EdgeCluster.Client.Output;
using EdgeCluster.Grains.Interfaces.Deployments;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary><c>devices</c>, <c>models</c> and <c>deployments</c>: what the fleet has.</summary>
public static class CatalogCommands
{
    public static Command Devices()
    {
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("devices", "List the devices in the fleet") { gateway, clusterId, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var client = await FleetConnection.ConnectAsync(result.GetValue(gateway), result.GetValue(clusterId), null, cancellationToken);
            var devices = await client.ListDevicesAsync();
            var table = new Table().AddColumns("device", "silo", "gateway", "http", "pid", "cores", "memory", "speed", "labels");
            foreach (var d in devices)
            {
                table.AddRow(d.DeviceId, d.SiloAddress, d.Gateway ?? "", d.Http ?? "", d.ProcessId.ToString(CultureInfo.InvariantCulture),
                    d.Cores.ToString(CultureInfo.InvariantCulture), Tables.Bytes(d.MemoryBytes),
                    d.RelativeSpeed.ToString("F2", CultureInfo.InvariantCulture), string.Join(",", d.Labels));
            }

            AnsiConsole.Write(table);
            if (result.GetValue(json))
            {
                JsonLine.Write(new { devices = devices.Select(d => new { device = d.DeviceId, gateway = d.Gateway, http = d.Http, pid = d.ProcessId, cores = d.Cores, memory_bytes = d.MemoryBytes, relative_speed = d.RelativeSpeed }) });
            }

            return 0;
        });
        return command;
    }

    public static Command Models()
    {
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("models", "List registered models and their deployments") { gateway, clusterId, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var client = await FleetConnection.ConnectAsync(result.GetValue(gateway), result.GetValue(clusterId), null, cancellationToken);
            var models = await client.ListModelsAsync();
            var deployments = await Task.WhenAll((await client.ListDeploymentsAsync()).Select(client.GetDeploymentAsync));
            var table = new Table().AddColumns("model", "sha256", "size", "opset", "inputs", "outputs", "deployment", "stages");
            foreach (var m in models)
            {
                var deployment = deployments.FirstOrDefault(d => d.Name == m.Name);
                table.AddRow(m.Name, m.Sha256[..12], Tables.Bytes(m.SizeBytes), m.OpsetVersion.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join("; ", m.Inputs.Select(i => i.ToString()))),
                    Markup.Escape(string.Join("; ", m.Outputs.Select(o => o.ToString()))),
                    deployment?.State.ToString() ?? "-",
                    Markup.Escape(deployment?.Route is { } route ? string.Join(" → ", route.Stages.Select(s => s.DeviceId)) : "-"));
            }

            AnsiConsole.Write(table);
            if (result.GetValue(json))
            {
                JsonLine.Write(new
                {
                    models = models.Select(m => new { name = m.Name, sha256 = m.Sha256, size = m.SizeBytes, opset = m.OpsetVersion }),
                    deployments = deployments.Select(d => new { name = d.Name, state = d.State.ToString(), devices = d.Route?.Stages.Select(s => s.DeviceId) }),
                });
            }

            return 0;
        });
        return command;
    }

    public static void PrintRoute(DeploymentRoute route)
    {
        var batched = route.Stages.Any(s => s.Batching is not null || s.BatchingRefused is not null);
        var table = new Table().AddColumns("stage", "devices", "nodes", "flops share", "weights", "shard", "inputs", "forwards");
        if (batched)
        {
            table.AddColumn("batching");
        }

        foreach (var s in route.Stages)
        {
            var cells = new List<string>
            {
                s.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", s.Devices)), s.NodeCount.ToString(CultureInfo.InvariantCulture),
                s.FlopsShare.ToString("P1", CultureInfo.InvariantCulture), Tables.Bytes(s.WeightBytes), s.ShardSha256[..12],
                Markup.Escape(string.Join(", ", s.InputNames)), Markup.Escape(string.Join(", ", s.ForwardNames)),
            };
            if (batched)
            {
                cells.Add(Markup.Escape(Batching(s)));
            }

            table.AddRow(cells.ToArray());
        }

        AnsiConsole.Write(table);
    }

    /// <summary>How a stage batches, or why it does not.</summary>
    public static string Batching(StageRoute stage) => stage.Batching is { } b
        ? string.Create(CultureInfo.InvariantCulture, $"up to {b.MaxBatchSize} rows, wait {b.MaxWaitMilliseconds} ms")
        : stage.BatchingRefused is { } why ? $"alone: {why}" : "alone";
}
