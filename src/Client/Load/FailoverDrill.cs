using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx.SampleModels;

namespace EdgeCluster.Client.Load;

/// <summary>The drill's knobs; defaults are the CLI's.</summary>
public sealed record DrillOptions(int Devices = 4, int Stages = 3, int Requests = 1000, int Concurrency = 8, int KillAfter = 300);

/// <summary>What the drill measured: the load figures plus how fast the killed stage came back.</summary>
public sealed record DrillReport(LoadReport Load, double? RecoverySeconds, string KilledDevice, string? ReplacedOn, int KilledStage)
{
    public Dictionary<string, object> ToJson()
    {
        var json = Load.ToJson();
        json["recovery_s"] = RecoverySeconds is { } seconds ? Math.Round(seconds, 3) : -1;
        json["killed_device"] = KilledDevice;
        json["replaced_on"] = ReplacedOn ?? "";
        return json;
    }
}

/// <summary>
/// A failover drill: a namespaced fleet on a private PostgreSQL, ResNet18 split over the first devices (the
/// rest spare), closed-loop load entering at device-1, and after <see cref="DrillOptions.KillAfter"/> completed
/// requests a SIGKILL of the silo running the middle stage. Recovery is the time from the kill to the first
/// request completed through that stage's new device.
/// </summary>
public static class FailoverDrill
{
    public const string Model = "resnet18";

    public static async Task<DrillReport> RunAsync(string home, DrillOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Devices < options.Stages + 1 || options.Stages < 2)
        {
            throw new EdgeClusterCliException($"A drill needs at least 2 stages and one spare device; {options.Devices} devices for {options.Stages} stages were asked for.");
        }

        if (options.KillAfter >= options.Requests)
        {
            throw new EdgeClusterCliException($"--kill-after ({options.KillAfter}) must be below --requests ({options.Requests}).");
        }

        await using var fleet = await NamespacedFleet.StartAsync(home, options.Devices, progress: progress, cancellationToken: cancellationToken);
        const string origin = "device-1";
        await using var client = await fleet.ConnectAsync(origin, cancellationToken);
        var info = await client.RegisterModelAsync(Model, await File.ReadAllBytesAsync(ResNet18.ModelPath, cancellationToken), cancellationToken: cancellationToken);
        var devices = fleet.State.Silos.Take(options.Stages).Select(s => s.Device).ToArray();
        var deployed = await client.DeployAsync(Model, new DeploymentSpec(Model, options.Stages, devices));
        var killedStage = options.Stages / 2;
        var victim = deployed.Route!.Stages[killedStage].DeviceId;
        progress?.Report($"deployed {Model}: {string.Join(" → ", deployed.Route.Stages.Select(s => s.DeviceId))}; will kill {victim} (stage {killedStage})");

        var inputs = ModelInputs.For(info, seed: 0);
        await client.InferAsync(Model, origin, inputs); // warm-up: connections and JIT
        long killedAt = 0, recoveredAt = 0;
        await using var watch = fleet.Watch(origin);
        var load = new LoadGenerator(client, Model, origin, inputs, watch);
        var completed = 0;
        var report = await load.RunAsync(options.Requests, options.Concurrency, completion =>
        {
            if (Interlocked.Increment(ref completed) == options.KillAfter)
            {
                fleet.Kill(victim);
                Interlocked.Exchange(ref killedAt, Stopwatch.GetTimestamp());
                progress?.Report($"killed {victim} after {options.KillAfter} requests");
            }

            var hop = completion.Result?.Hops.FirstOrDefault(h => h.Stage == killedStage);
            if (Interlocked.Read(ref killedAt) is var kill and > 0 && hop is not null && hop.Device != victim && completion.CompletedAt > kill)
            {
                Interlocked.CompareExchange(ref recoveredAt, completion.CompletedAt, 0);
            }
        }, cancellationToken);

        var route = (await client.GetDeploymentAsync(Model)).Route;
        var recovery = recoveredAt > 0 ? Stopwatch.GetElapsedTime(killedAt, recoveredAt).TotalSeconds : (double?)null;
        return new DrillReport(report, recovery, victim, route?.Stages[killedStage].DeviceId, killedStage);
    }
}
