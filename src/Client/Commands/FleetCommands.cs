using System.CommandLine;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Output;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

public static class FleetCommands
{
    public static Command Create()
    {
        var fleet = new Command("fleet", "Start, inspect and stop a local fleet of silo processes");
        fleet.Subcommands.Add(Up());
        fleet.Subcommands.Add(Status());
        fleet.Subcommands.Add(Down());
        return fleet;
    }

    public static object SilosJson(FleetState state) => new Dictionary<string, object>
    {
        ["silos"] = state.Silos.Select(s => new Dictionary<string, object>
        {
            ["device"] = s.Device,
            ["pid"] = s.Pid,
            ["gateway"] = s.Gateway,
            ["http"] = s.Http,
            ["grpc"] = s.Grpc,
        }).ToArray(),
    };

    public static void Print(FleetState state)
    {
        var table = new Table().AddColumns("device", "pid", "alive", "gateway", "http", "grpc", "log");
        foreach (var silo in state.Silos)
        {
            table.AddRow(silo.Device, silo.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ProcessSignals.IsAlive(silo.Pid) ? "yes" : "no", silo.Gateway, silo.Http, silo.Grpc, Markup.Escape(silo.Log));
        }

        AnsiConsole.Write(table);
    }

    private static Command Up()
    {
        var silos = new Option<int>("--silos") { Description = "Number of silo processes (devices)", DefaultValueFactory = _ => 3 };
        var tls = new Option<bool>("--tls") { Description = "Encrypt and authenticate every connection (TLS 1.3) with certificates of the fleet's own authority" };
        var json = CommonOptions.Json();
        var command = new Command("up", "Start N silo processes on this machine and wait until all have joined") { silos, tls, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var launcher = new FleetLauncher(EdgeClusterHome.Resolve());
            var options = FleetLaunchOptions.Development with { Tls = result.GetValue(tls) };
            var state = await launcher.UpAsync(result.GetValue(silos), options, new Progress<string>(m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]")), cancellationToken);
            Print(state);
            if (result.GetValue(json))
            {
                JsonLine.Write(SilosJson(state));
            }

            return 0;
        });
        return command;
    }

    private static Command Status()
    {
        var json = CommonOptions.Json();
        var command = new Command("status", "Show the local fleet's silo processes") { json };
        command.SetAction(result =>
        {
            var home = EdgeClusterHome.Resolve();
            var state = FleetState.TryRead(home) ?? throw new EdgeClusterCliException($"No local fleet is recorded in {home}.");
            Print(state);
            if (result.GetValue(json))
            {
                JsonLine.Write(SilosJson(state));
            }

            return 0;
        });
        return command;
    }

    private static Command Down()
    {
        var command = new Command("down", "Stop exactly the silo processes that 'fleet up' started");
        command.SetAction(async (_, _) =>
        {
            var stopped = await new FleetLauncher(EdgeClusterHome.Resolve()).DownAsync();
            AnsiConsole.MarkupLineInterpolated($"stopped {stopped.Count} silo process(es)");
            return 0;
        });
        return command;
    }
}
