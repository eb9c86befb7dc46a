using System.CommandLine;
using EdgeCluster.Client.Output;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary><c>rebalance MODEL</c>: re-plan a deployment onto the devices in the fleet now.</summary>
public static class RebalanceCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Deployed model name" };
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("rebalance", "Re-plan a deployment onto the current devices; requests under way finish on the old route") { model, gateway, clusterId, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(model)!;
            await using var client = await FleetConnection.ConnectAsync(result.GetValue(gateway), result.GetValue(clusterId), null, cancellationToken);
            var status = await client.Grains.GetGrain<Grains.Interfaces.Deployments.IDeploymentGrain>(name).RebalanceAsync();
            CatalogCommands.PrintRoute(status.Route!);
            AnsiConsole.MarkupLineInterpolated($"rebalanced [bold]{name}[/] to version {status.Route!.Version}: {string.Join(" → ", status.Route.Stages.Select(s => s.DeviceId))}");
            if (result.GetValue(json))
            {
                JsonLine.Write(new { deployment = name, version = status.Route.Version, devices = status.Route.Stages.Select(s => s.DeviceId) });
            }

            return 0;
        });
        return command;
    }
}
