using System.Diagnostics;
using EdgeCluster.Client.Connection;
using EdgeCluster.Client.Load;
using EdgeCluster.Client.Output;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Tests.Failover;

/// <summary>
/// A namespaced fleet on a private PostgreSQL with a small model deployed over its first devices, for one test;
/// disposing stops silos and database and removes the namespaces and the temp folder, also after a failure.
/// </summary>
public sealed class FleetScenario : IAsyncDisposable
{
    public const string Model = "transformer";

    private readonly string _home;

    private FleetScenario(string home, NamespacedFleet fleet, EdgeClusterClient client, ModelInfo model)
    {
        _home = home;
        Fleet = fleet;
        Client = client;
        Inputs = ModelInputs.For(model, seed: 0);
    }

    public NamespacedFleet Fleet { get; }

    /// <summary>A client through device-1's gateway.</summary>
    public EdgeClusterClient Client { get; }

    public IReadOnlyList<NamedTensor> Inputs { get; }

    public static async Task<FleetScenario> StartAsync(int devices, int stages, bool restartSilos = false)
    {
        var home = Directory.CreateTempSubdirectory("edgecluster-fleet-tests-").FullName;
        NamespacedFleet? fleet = null;
        try
        {
            fleet = await NamespacedFleet.StartAsync(home, devices, restartSilos);
            var client = await fleet.ConnectAsync("device-1");
            var info = await client.RegisterModelAsync(Model, ModelSource.BuiltIn[Model]());
            var targets = fleet.State.Silos.Take(stages).Select(s => s.Device).ToArray();
            await client.DeployAsync(Model, new DeploymentSpec(Model, stages, targets));
            return new FleetScenario(home, fleet, client, info);
        }
        catch
        {
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }

            Directory.Delete(home, recursive: true);
            throw;
        }
    }

    public async Task<DeploymentRoute> RouteAsync() => (await Client.GetDeploymentAsync(Model)).Route!;

    /// <summary>Polls until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:F0} s.");
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Client.DisposeAsync();
        }
        finally
        {
            await Fleet.DisposeAsync();
            Directory.Delete(_home, recursive: true);
        }
    }
}
