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
        using var whole = ShardSession.FromFile(ResNet18.ModelPath);
        var input = DeterministicInputs.Create(whole.Inputs, seed: 0);
        var exact = whole.Run(input)[0];

        var loopback = await new LoopbackBench(settings, progress).RunAsync(whole, input, exact, cancellationToken);

        var window = TimeSpan.FromSeconds(settings.ThroughputSeconds);
        progress.Report("baseline throughput: whole model, one core, one ONNX Runtime thread");
        var oneCore = await BaselineProcess.RunAsync("0", 1, 1, Warmup(settings), window, cancellationToken);
        progress.Report("baseline throughput: whole model, two cores, two ONNX Runtime threads");
        var twoIntraOp = await BaselineProcess.RunAsync("0,1", 2, 1, Warmup(settings), window, cancellationToken);
        progress.Report("baseline throughput: whole model, two cores, two requests at once");
        var twoRequests = await BaselineProcess.RunAsync("0,1", 1, 2, Warmup(settings), window, cancellationToken);

        var pipelineRps = await new PipelineBench(settings, progress).RunAsync(input, cancellationToken);

        var shaped = ShapedLinkBench.Measure(notes);
        return new BenchReport(
            settings,
            loopback.BaselineMilliseconds,
            OnnxRuntimeEnvironment.IntraOpThreads,
            loopback.Splits,
            loopback.Codecs,
            loopback.HopTwoStageMilliseconds - loopback.HopOneStageMilliseconds,
            loopback.HopOneStageMilliseconds,
            loopback.HopTwoStageMilliseconds,
            pipelineRps,
            oneCore,
            twoIntraOp,
            twoRequests,
            shaped,
            notes);
    }
}
