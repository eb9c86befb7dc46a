using EdgeCluster.Client.Fleet;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// ResNet18 split in two over two silo processes that are each held to one core (<c>taskset -c 0</c> and <c>-c 1</c>,
/// one ONNX Runtime thread each): the pipeline's answer to one and two cores of the monolithic model. Stays up
/// between windows so that its windows can alternate with the baselines'.
/// </summary>
public sealed class PipelineBench : IAsyncDisposable
{
    private const string Model = "resnet18";
    private const string Deployment = "bench-pipe";
    private const string BatchedDeployment = "bench-pipe-batched";
    private const int FirstWarmupFactor = 4;

    /// <summary>Batching of the second deployment: as many rows as requests in flight, and no wait, so only queued requests share a run.</summary>
    public static readonly StageBatching Batching = new(4, 0);

    private readonly BenchFleet _fleet;
    private readonly IReadOnlyList<NamedTensor> _input;
    private readonly HashSet<string> _measured = new(StringComparer.Ordinal);

    private PipelineBench(BenchFleet fleet, IReadOnlyList<NamedTensor> input)
    {
        _fleet = fleet;
        _input = input;
    }

    public static FleetLaunchOptions Options { get; } = FleetLaunchOptions.Development with
    {
        SiloCommandPrefix = device =>
            ["env", "EDGECLUSTER_ORT_THREADS=1", "EdgeCluster__Device__RelativeSpeed=1", "EdgeCluster__Device__Cores=1", "taskset", "-c", device == BenchFleet.Origin ? "0" : "1"],
    };

    public static async Task<PipelineBench> StartAsync(IReadOnlyList<NamedTensor> input, IProgress<string> progress, CancellationToken cancellationToken)
    {
        progress.Report("starting 2 silo processes held to core 0 and core 1");
        var fleet = await BenchFleet.StartAsync(2, Options, progress, cancellationToken);
        try
        {
            await fleet.Client.RegisterModelAsync(Model, await File.ReadAllBytesAsync(ResNet18.ModelPath, cancellationToken), cancellationToken: cancellationToken);
            progress.Report("deploying ResNet18 in 2 stages");
            await fleet.DeployAsync(Deployment, Model, 2);
            progress.Report("deploying ResNet18 in 2 stages again, with dynamic batching");
            await fleet.DeployAsync(BatchedDeployment, Model, 2, batching: Batching);
            return new PipelineBench(fleet, input);
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Closed-loop requests per second with <paramref name="concurrency"/> requests in flight. The first window of each
    /// deployment warms up <see cref="FirstWarmupFactor"/> times longer: its code paths are still being compiled to
    /// optimized code (tiered JIT) on the very cores being measured.
    /// </summary>
    public Task<double> MeasureAsync(int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken) =>
        MeasureAsync(Deployment, concurrency, warmup, window, cancellationToken);

    /// <summary>As <see cref="MeasureAsync(int, TimeSpan, TimeSpan, CancellationToken)"/>, for the deployment with dynamic batching.</summary>
    public Task<double> MeasureBatchedAsync(int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken) =>
        MeasureAsync(BatchedDeployment, concurrency, warmup, window, cancellationToken);

    private Task<double> MeasureAsync(string deployment, int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken)
    {
        var settle = _measured.Add(deployment) ? warmup * FirstWarmupFactor : warmup;
        return ClosedLoop.RequestsPerSecondAsync(() => _fleet.InferAsync(deployment, _input), concurrency, settle, window, cancellationToken);
    }

    public ValueTask DisposeAsync() => _fleet.DisposeAsync();
}
