using EdgeCluster.Client.Commands;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Silo;

if (args.Length > 0 && args[0] == SiloProcessCommand.Verb)
{
    await SiloApplication.Create(args[1..]).RunAsync();
    return 0;
}

return await CliApplication.RunAsync(args);
