using System.CommandLine;
using EdgeCluster.Client.Database;
using EdgeCluster.Client.Output;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary><c>db init</c>: the PostgreSQL schema for ADO.NET clustering and fleet storage.</summary>
public static class DbCommand
{
    public static Command Create()
    {
        var db = new Command("db", "Prepare the PostgreSQL database of a fleet");
        var connection = new Option<string>("--connection") { Description = "Npgsql connection string, e.g. \"Host=10.0.0.1;Username=postgres;Database=edgecluster\"", Required = true };
        var json = CommonOptions.Json();
        var init = new Command("init", "Create the membership and grain-storage tables and queries (safe to run again)") { connection, json };
        init.SetAction(async (result, cancellationToken) =>
        {
            await PostgresSchema.ApplyAsync(result.GetValue(connection)!, cancellationToken);
            AnsiConsole.MarkupLine("schema applied");
            if (result.GetValue(json))
            {
                JsonLine.Write(new { applied = true });
            }

            return 0;
        });
        db.Subcommands.Add(init);
        return db;
    }
}
