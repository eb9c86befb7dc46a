using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// One benchmark run against the whole ResNet18 in ONNX Runtime: split latency on a loopback fleet, bytes and
/// accuracy per codec, the cost of a 1 MiB hop, and pipeline throughput on one-core silos against one- and two-core
/// baselines. Every fleet lives in its own temporary home and is stopped before the run ends.
/// </summary>
public static class BenchRunner
{
    public static TimeSpan Warmup(BenchSettings settings) => TimeSpan.FromSeconds(Math.Min(2, settings.ThroughputSeconds / 2));

    public static async Task<BenchReport> RunAsync(BenchSettings settings, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var loadBefore = LoadAverage();
        using var whole = ShardSession.FromFile(ResNet18.ModelPath);
        var input = DeterministicInputs.Create(whole.Inputs, seed: 0);
        var exact = whole.Run(input)[0];

        var loopback = await new LoopbackBench(settings, progress).RunAsync(whole, input, exact, cancellationToken);
        var tlsHop = await new TlsHopBench(settings, progress).RunAsync(cancellationToken);

        // Throughput windows alternate between the pipeline and the baselines, so a load change on the machine hits all of them.
        var window = TimeSpan.FromSeconds(settings.ThroughputSeconds);
        var warmup = Warmup(settings);
        var pipeline = new List<double>();
        var batched = new List<double>();
        var oneCore = new List<BaselineThroughput>();
        var twoIntraOp = new List<BaselineThroughput>();
        var twoRequests = new List<BaselineThroughput>();
        await using (var pipe = await PipelineBench.StartAsync(input, progress, cancellationToken))
        {
            for (var round = 1; round <= settings.ThroughputRounds; round++)
            {
                progress.Report($"throughput round {round} of {settings.ThroughputRounds}: pipeline, pipeline with batching, then the whole model on 1 core, on 2 cores with 2 threads, on 2 cores with 2 requests");
                pipeline.Add(await pipe.MeasureAsync(settings.Concurrency, warmup, window, cancellationToken));
                batched.Add(await pipe.MeasureBatchedAsync(settings.Concurrency, warmup, window, cancellationToken));
                oneCore.Add(await BaselineProcess.RunAsync("0", 1, 1, warmup, window, cancellationToken));
                twoIntraOp.Add(await BaselineProcess.RunAsync("0,1", 2, 1, warmup, window, cancellationToken));
                twoRequests.Add(await BaselineProcess.RunAsync("0,1", 1, 2, warmup, window, cancellationToken));
            }
        }

        var shaped = await ShapedLinkBench.MeasureAsync(settings, input, notes, progress, cancellationToken);
        notes.Add($"1-minute load average {loadBefore} at the start and {LoadAverage()} at the end, on {Environment.ProcessorCount} cores: anything else running skews every figure.");
        return new BenchReport(
            settings,
            loopback.BaselineMilliseconds,
            OnnxRuntimeEnvironment.IntraOpThreads,
            loopback.Splits,
            loopback.Codecs,
            loopback.HopTwoStageMilliseconds - loopback.HopOneStageMilliseconds,
            loopback.HopOneStageMilliseconds,
            loopback.HopTwoStageMilliseconds,
            Statistics.Median(pipeline),
            Median(oneCore),
            Median(twoIntraOp),
            Median(twoRequests),
            shaped,
            notes)
        {
            PipelineBatchedRps = Statistics.Median(batched),
            TlsHop = tlsHop,
        };
    }

    private static BaselineThroughput Median(IReadOnlyList<BaselineThroughput> runs) =>
        runs[0] with { RequestsPerSecond = Statistics.Median(runs.Select(r => r.RequestsPerSecond)) };

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
