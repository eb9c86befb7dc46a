using System.CommandLine;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Load;
using EdgeCluster.Client.Output;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary><c>drill</c>: kill the middle stage's device under load and measure the failover.</summary>
public static class DrillCommand
{
    public static Command Create()
    {
        var defaults = new DrillOptions();
        var devices = new Option<int>("--devices") { Description = "Devices (one network namespace each)", DefaultValueFactory = _ => defaults.Devices };
        var stages = CommonOptions.Stages(defaults.Stages);
        var requests = new Option<int>("--requests") { Description = "Requests to send", DefaultValueFactory = _ => defaults.Requests };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => defaults.Concurrency };
        var killAfter = new Option<int>("--kill-after") { Description = "Completed requests before the middle stage's silo is killed (SIGKILL)", DefaultValueFactory = _ => defaults.KillAfter };
        var json = CommonOptions.Json();
        var command = new Command("drill", "Failover drill: namespaced fleet on a private PostgreSQL, ResNet18 under load, kill the middle stage's device") { devices, stages, requests, concurrency, killAfter, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new DrillOptions(result.GetValue(devices), result.GetValue(stages), result.GetValue(requests), result.GetValue(concurrency), result.GetValue(killAfter));
            var report = await FailoverDrill.RunAsync(
                Path.Combine(EdgeClusterHome.Resolve(), "drill"), options, new Progress<string>(m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]")), cancellationToken);
            LoadCommand.Print(report.Load);
            AnsiConsole.MarkupLineInterpolated(
                $"killed {report.KilledDevice} (stage {report.KilledStage}); stage now on {report.ReplacedOn ?? "?"}; recovery {(report.RecoverySeconds is { } s ? $"{s:F2} s" : "not observed")}");
            if (result.GetValue(json))
            {
                JsonLine.Write(report.ToJson());
            }

            return report.Load.Failed == 0 && report.Load.Duplicates == 0 && report.RecoverySeconds is not null ? 0 : 1;
        });
        return command;
    }
}
