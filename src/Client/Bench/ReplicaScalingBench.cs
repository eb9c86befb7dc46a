using EdgeCluster.Client.Fleet;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Bench;

/// <summary>Closed-loop throughput of a two-stage ResNet18 whose tail has one replica, then two, over alternating rounds.</summary>
/// <param name="OneReplicaRps">Median requests per second with the tail on one replica (device-2 in the first round).</param>
/// <param name="TwoReplicasRps">Median requests per second with the tail on device-2 and device-3.</param>
/// <param name="OneReplicaRounds">Every one-replica window, in order.</param>
/// <param name="TwoReplicasRounds">Every two-replica window, in order.</param>
public sealed record ReplicaScaling(
    double OneReplicaRps, double TwoReplicasRps, IReadOnlyList<double> OneReplicaRounds, IReadOnlyList<double> TwoReplicasRounds, int Concurrency, double WindowSeconds)
{
    public double Speedup => OneReplicaRps == 0 ? 0 : TwoReplicasRps / OneReplicaRps;

    public Dictionary<string, object> ToJson() => new()
    {
        ["one_replica_rps"] = Math.Round(OneReplicaRps, 3),
        ["two_replicas_rps"] = Math.Round(TwoReplicasRps, 3),
        ["speedup"] = Math.Round(Speedup, 3),
        ["one_replica_rounds"] = OneReplicaRounds.Select(r => Math.Round(r, 3)).ToArray(),
        ["two_replicas_rounds"] = TwoReplicasRounds.Select(r => Math.Round(r, 3)).ToArray(),
        ["concurrency"] = Concurrency,
        ["window_seconds"] = WindowSeconds,
    };
}

/// <summary>
/// Three silo processes: device-1 the origin running the head, device-2 and device-3 the tail's replicas, each replica
/// held to its own core (<c>taskset -c 0</c> and <c>-c 1</c>) with one ONNX Runtime thread. The origin is not pinned:
/// the machine may have only the two cores the replicas use. As in the fleets this shape is for, the origin is a weak
/// data-owning device (relative speed <see cref="OriginSpeed"/>) and the tail runs on strong ones, so the planner gives
/// the origin a light head and the tail carries most of the model.
/// </summary>
public static class ReplicaScalingBench
{
    private const string Model = "resnet18";
    private const string Deployment = "bench-replicas";
    private const string OriginSpeed = "0.1";

    public static FleetLaunchOptions Options { get; } = FleetLaunchOptions.Development with
    {
        SiloCommandPrefix = device => device switch
        {
            "device-2" => ["env", "EDGECLUSTER_ORT_THREADS=1", "EdgeCluster__Device__RelativeSpeed=1", "EdgeCluster__Device__Cores=1", "taskset", "-c", "0"],
            "device-3" => ["env", "EDGECLUSTER_ORT_THREADS=1", "EdgeCluster__Device__RelativeSpeed=1", "EdgeCluster__Device__Cores=1", "taskset", "-c", "1"],
            _ => ["env", "EDGECLUSTER_ORT_THREADS=1", $"EdgeCluster__Device__RelativeSpeed={OriginSpeed}", "EdgeCluster__Device__Cores=1"],
        },
    };

    public static async Task<ReplicaScaling> RunAsync(BenchSettings settings, IProgress<string> progress, CancellationToken cancellationToken)
    {
        progress.Report("starting 3 silo processes; the tail replicas held to core 0 and core 1");
        await using var fleet = await BenchFleet.StartAsync(3, Options, progress, cancellationToken);
        var content = await File.ReadAllBytesAsync(ResNet18.ModelPath, cancellationToken);
        var info = await fleet.Client.RegisterModelAsync(Model, content, cancellationToken: cancellationToken);
        using var session = new Onnx.Runtime.ShardSession(content);
        IReadOnlyList<NamedTensor> input = DeterministicInputs.Create(session.Inputs, seed: 1);
        progress.Report("deploying ResNet18 in 2 stages, head on device-1, tail on device-2");
        var deployed = await fleet.Client.DeployAsync(
            Deployment, new DeploymentSpec(info.Name, 2, ["device-1", "device-2"]) { Origins = [BenchFleet.Origin] });
        if (deployed.State != DeploymentState.Ready)
        {
            throw new EdgeClusterCliException($"Deployment {Deployment} is {deployed.State}: {deployed.Error}");
        }

        var head = deployed.Route!.Stages[0];
        progress.Report($"head on {head.DeviceId}: {head.NodeCount} nodes, {head.FlopsShare:P1} of the FLOPs; it sends {string.Join(", ", head.ForwardNames)}");
        var window = TimeSpan.FromSeconds(settings.ThroughputSeconds);

        // Both first windows start on a silo that has not served its tail yet (device-3 gets its first request after the
        // first scale), and a fresh silo compiles its hot paths (tiered JIT) on the very core measured: every window
        // settles as long. That is also longer than the origin's route refresh, so each window runs on its route throughout.
        var settle = TimeSpan.FromSeconds(6);
        var concurrency = Math.Max(settings.Concurrency, 4) * 2;
        var grain = fleet.Client.Grains.GetGrain<IDeploymentGrain>(Deployment);
        var one = new List<double>();
        var two = new List<double>();

        // Rounds alternate one and two replicas (removal drains first), so a load change on the machine hits both.
        for (var round = 1; round <= settings.ThroughputRounds; round++)
        {
            if (round > 1)
            {
                var reduced = await grain.ScaleAsync(1, 1);
                progress.Report($"tail now on {string.Join(", ", reduced.Route!.Stages[1].Devices)}");
            }

            one.Add(await ClosedLoop.RequestsPerSecondAsync(() => fleet.InferAsync(Deployment, input), concurrency, settle, window, cancellationToken));
            progress.Report($"round {round}: 1 tail replica: {one[^1]:F1} req/s; scaling the tail to 2 replicas");
            var scaled = await grain.ScaleAsync(1, 2);
            progress.Report($"tail now on {string.Join(", ", scaled.Route!.Stages[1].Devices)}");
            two.Add(await ClosedLoop.RequestsPerSecondAsync(() => fleet.InferAsync(Deployment, input), concurrency, settle, window, cancellationToken));
            progress.Report($"round {round}: 2 tail replicas: {two[^1]:F1} req/s");
        }

        return new ReplicaScaling(Statistics.Median(one), Statistics.Median(two), one, two, concurrency, settings.ThroughputSeconds);
    }
}
