using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Load;
using EdgeCluster.Client.Tests.Failover;
using EdgeCluster.Grains.Interfaces.Deployments;

namespace EdgeCluster.Client.Tests.Replicas;

public sealed class ReplicaKillTests
{
    private const string Deployment = "transformer-replicated";

    [Fact]
    public async Task Killing_a_tail_replica_under_load_from_three_origins_loses_and_duplicates_nothing()
    {
        await using var scenario = await FleetScenario.StartAsync(devices: 4, stages: 2);
        string[] origins = ["device-1", "device-2", "device-3"];
        var deployed = await scenario.Client.DeployAsync(
            Deployment, new DeploymentSpec(FleetScenario.Model, 2, []) { Origins = origins, Replicas = 2 });
        Assert.Equal(origins, deployed.Route!.Stages[0].Devices);
        var tail = deployed.Route.Stages[1].Devices;
        var victim = tail.Single(d => !origins.Contains(d));

        var clients = new List<EdgeClusterClient>();
        try
        {
            foreach (var origin in origins)
            {
                clients.Add(await scenario.Fleet.ConnectAsync(origin));
            }

            var load = new LoadGenerator(clients[0], Deployment, origins[0], scenario.Inputs)
            {
                Origins = [.. origins.Zip(clients, (origin, client) => new LoadOrigin(origin, client))],
            };
            var completed = 0;
            var report = await load.RunAsync(240, 6, _ =>
            {
                if (Interlocked.Increment(ref completed) == 60)
                {
                    scenario.Fleet.Kill(victim);
                }
            });

            Assert.Equal(240, report.Ok);
            Assert.Equal(0, report.Failed);
            Assert.Equal(0, report.Duplicates);
            Assert.Equal(origins.ToDictionary(o => o, _ => 80), report.PerOrigin);
            Assert.InRange(report.PerReplica.GetValueOrDefault($"1@{victim}"), 1, 239);

            // Requests skip the dead replica at once; the route drops it when membership declares the device dead.
            await FleetScenario.WaitUntilAsync(
                async () => !(await scenario.Client.GetDeploymentAsync(Deployment)).Route!.Stages[1].Devices.Contains(victim),
                TimeSpan.FromSeconds(60),
                $"{victim} leaving the tail's replicas");
            var route = (await scenario.Client.GetDeploymentAsync(Deployment)).Route!;
            Assert.Equal(tail.Where(d => d != victim), route.Stages[1].Devices);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
