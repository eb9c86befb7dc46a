using System.CommandLine;
using EdgeCluster.Client.Output;
using EdgeCluster.Grains.Interfaces.Deployments;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary><c>scale NAME --stage S --replicas R</c>: add or remove replicas of one stage while requests flow.</summary>
public static class ScaleCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("name") { Description = "Deployed model name" };
        var stage = new Option<int>("--stage") { Description = "Stage to scale (1 or later; stage 0 runs on each origin)", Required = true };
        var replicas = new Option<int>("--replicas") { Description = "Replicas the stage should have", Required = true };
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("scale", "Set the number of replicas of one stage; removed replicas finish what they hold") { model, stage, replicas, gateway, clusterId, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(model)!;
            await using var client = await FleetConnection.ConnectAsync(result.GetValue(gateway), result.GetValue(clusterId), null, cancellationToken);
            var status = await client.Grains.GetGrain<IDeploymentGrain>(name).ScaleAsync(result.GetValue(stage), result.GetValue(replicas));
            var route = status.Route!;
            CatalogCommands.PrintRoute(route);
            AnsiConsole.MarkupLineInterpolated(
                $"scaled [bold]{name}[/] to version {route.Version}: {string.Join(" → ", route.Stages.Select(s => string.Join("+", s.Devices)))}");
            if (result.GetValue(json))
            {
                JsonLine.Write(new { deployment = name, version = route.Version, replicas = route.Stages.Select(s => s.Devices) });
            }

            return 0;
        });
        return command;
    }
}
