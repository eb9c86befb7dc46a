using EdgeCluster.Silo;

await SiloApplication.Create(args).RunAsync();
