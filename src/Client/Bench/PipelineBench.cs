using EdgeCluster.Client.Fleet;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// Closed-loop throughput of ResNet18 split in two over two silo processes that are each held to one core
/// (<c>taskset -c 0</c> and <c>-c 1</c>, one ONNX Runtime thread each): the pipeline's answer to one and two cores
/// of the monolithic model.
/// </summary>
public sealed class PipelineBench(BenchSettings settings, IProgress<string> progress)
{
    private const string Model = "resnet18";
    private const string Deployment = "bench-pipe";

    public static FleetLaunchOptions Options { get; } = FleetLaunchOptions.Development with
    {
        SiloCommandPrefix = device =>
            ["env", "EDGECLUSTER_ORT_THREADS=1", "EdgeCluster__Device__RelativeSpeed=1", "EdgeCluster__Device__Cores=1", "taskset", "-c", device == BenchFleet.Origin ? "0" : "1"],
    };

    public async Task<double> RunAsync(IReadOnlyList<NamedTensor> input, CancellationToken cancellationToken)
    {
        progress.Report("starting 2 silo processes held to core 0 and core 1");
        await using var fleet = await BenchFleet.StartAsync(2, Options, progress, cancellationToken);
        await fleet.Client.RegisterModelAsync(Model, await File.ReadAllBytesAsync(ResNet18.ModelPath, cancellationToken), cancellationToken: cancellationToken);
        progress.Report("deploying ResNet18 in 2 stages");
        await fleet.DeployAsync(Deployment, Model, 2);
        progress.Report($"closed loop, {settings.Concurrency} requests in flight, {settings.ThroughputSeconds:F0} s");
        return await ClosedLoop.RequestsPerSecondAsync(
            () => fleet.InferAsync(Deployment, input), settings.Concurrency, BenchRunner.Warmup(settings), TimeSpan.FromSeconds(settings.ThroughputSeconds), cancellationToken);
    }
}
