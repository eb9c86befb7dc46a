using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Deployments;
using Microsoft.Extensions.Logging;

namespace EdgeCluster.Grains.Failover;

/// <summary>
/// On a graceful stop (SIGTERM), before the silo leaves the cluster: refuse new requests entering here, move
/// this device's stages to other devices, then wait until the stage work already running here has finished.
/// </summary>
public sealed partial class GracefulDrain(
    IGrainFactory grains, ILocalSiloDetails silo, StageWorkTracker work, ILogger<GracefulDrain> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan MaxDrain = TimeSpan.FromSeconds(20);

    // Longer than an origin caches its route, so requests routed here just before the move still arrive and finish.
    public static readonly TimeSpan QuietPeriod = StageRoutes.LatestRefresh + TimeSpan.FromMilliseconds(500);

    // Stops before device registration withdraws the device and before the silo leaves membership.
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(GracefulDrain), ServiceLifecycleStage.Active + 1, _ => Task.CompletedTask, DrainAsync);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        work.BeginDraining();
        var watch = Stopwatch.StartNew();
        var moved = await EvacuateAsync();
        var waitedFor = work.InFlight;
        while (watch.Elapsed < MaxDrain && !cancellationToken.IsCancellationRequested
            && (work.InFlight > 0 || Stopwatch.GetElapsedTime(work.LastFinished) < QuietPeriod))
        {
            await Task.Delay(100, CancellationToken.None);
        }

        LogDrained(logger, silo.Name, moved, waitedFor, work.InFlight, watch.Elapsed.TotalMilliseconds);
    }

    private async Task<int> EvacuateAsync()
    {
        var moved = 0;
        try
        {
            foreach (var name in await grains.GetGrain<IDeploymentCatalogGrain>(IDeploymentCatalogGrain.Key).ListAsync())
            {
                var deployment = grains.GetGrain<IDeploymentGrain>(name);
                var status = await deployment.GetStatusAsync();
                if (status.Route?.Stages.Any(s => s.DeviceId == silo.Name) == true)
                {
                    await deployment.EvacuateAsync(silo.Name);
                    moved++;
                }
            }
        }
        catch (Exception exception)
        {
            // Stages that could not move are re-placed when membership sees this device gone; draining still goes on.
            LogEvacuationFailed(logger, silo.Name, exception);
        }

        return moved;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Device {DeviceId} drained: moved stages of {Deployments} deployments, waited for {InFlight} running calls ({Left} left) in {Milliseconds:F0} ms")]
    private static partial void LogDrained(ILogger logger, string deviceId, int deployments, int inFlight, int left, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} could not move all its stages before leaving")]
    private static partial void LogEvacuationFailed(ILogger logger, string deviceId, Exception exception);
}
