using System.CommandLine;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Security;
using EdgeCluster.Onnx;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.Runtime;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary>The <c>edgecluster</c> command line.</summary>
public static class CliApplication
{
    public static RootCommand Build()
    {
        var root = new RootCommand("EdgeCluster: split ONNX inference across a fleet of edge devices");
        root.Subcommands.Add(FleetCommands.Create());
        root.Subcommands.Add(DeployCommand.Create());
        root.Subcommands.Add(InferCommand.Create());
        root.Subcommands.Add(CatalogCommands.Devices());
        root.Subcommands.Add(CatalogCommands.Models());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        root.Subcommands.Add(LoadCommand.Create());
        root.Subcommands.Add(DrillCommand.Create());
        root.Subcommands.Add(RebalanceCommand.Create());
        root.Subcommands.Add(ScaleCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(TopCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        OnnxRuntimeEnvironment.EnsureInitialized();
        if (Console.IsOutputRedirected)
        {
            // Logs and CI capture output: keep tables on one line per row instead of wrapping at 80 columns.
            AnsiConsole.Profile.Width = 200;
        }

        try
        {
            return await Build().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception exception) when (Describe(exception) is { } message)
        {
            await Console.Error.WriteLineAsync("error: " + message);
            return 2;
        }
    }

    /// <summary>Errors users cause (bad model, bad input, unknown names) print as one line; anything else keeps its stack trace.</summary>
    private static string? Describe(Exception exception) => exception switch
    {
        EdgeClusterCliException or EdgeClusterException or InvalidModelException or InvalidInputException or PartitionException
            or FleetTlsException or TimeoutException => exception.Message,
        OperationCanceledException => "cancelled",
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerException!),
        _ => null,
    };
}
