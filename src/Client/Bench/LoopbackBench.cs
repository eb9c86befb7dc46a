using System.Diagnostics;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Bench;

/// <summary>What the loopback fleet measured.</summary>
public sealed record LoopbackFigures(
    double BaselineMilliseconds,
    IReadOnlyList<SplitLatency> Splits,
    IReadOnlyList<CodecFigures> Codecs,
    double HopOneStageMilliseconds,
    double HopTwoStageMilliseconds);

/// <summary>
/// Four silo processes on loopback, every ResNet18 request entering at device-1: single-request latency for 1 to 4
/// stages (each against the baseline of its own round), bytes and accuracy per codec on 3 stages, and the 1 MiB hop.
/// Each round times the whole model in this process and one request of every deployment back to back, so a load
/// change on the machine hits both sides, then <see cref="HopModel.PairsPerRound"/> pairs of hop requests (1 stage,
/// then 2).
/// </summary>
public sealed class LoopbackBench(BenchSettings settings, IProgress<string> progress)
{
    private const string ResNetModel = "resnet18";
    private const string HopModelName = "hop1mib";
    private const int CodecStages = 3;

    /// <summary>Every device runs the same CPU, so the planner gets equal speeds instead of a noisy start-up probe.</summary>
    public static FleetLaunchOptions Options { get; } = FleetLaunchOptions.Development with
    {
        SiloCommandPrefix = _ => ["env", "EdgeCluster__Device__RelativeSpeed=1"],
    };

    public async Task<LoopbackFigures> RunAsync(ShardSession whole, IReadOnlyList<NamedTensor> input, NamedTensor exact, CancellationToken cancellationToken)
    {
        progress.Report($"starting {BenchSettings.MaxStages} silo processes on loopback");
        await using var fleet = await BenchFleet.StartAsync(BenchSettings.MaxStages, Options, progress, cancellationToken);
        await fleet.Client.RegisterModelAsync(ResNetModel, await File.ReadAllBytesAsync(ResNet18.ModelPath, cancellationToken), cancellationToken: cancellationToken);
        await fleet.Client.RegisterModelAsync(HopModelName, HopModel.Build(), cancellationToken: cancellationToken);

        var splits = Enumerable.Range(1, BenchSettings.MaxStages).Select(k => $"bench-k{k}").ToArray();
        for (var k = 1; k <= BenchSettings.MaxStages; k++)
        {
            progress.Report($"deploying ResNet18 in {k} stage(s)");
            await fleet.DeployAsync(splits[k - 1], ResNetModel, k);
        }

        var codecs = new (string Name, string Deployment, TensorEncoding Encoding)[]
        {
            ("none", splits[CodecStages - 1], TensorEncoding.None),
            ("fp16", "bench-fp16", TensorEncoding.Float16),
            ("int8", "bench-int8", TensorEncoding.Int8),
        };
        foreach (var codec in codecs.Skip(1))
        {
            progress.Report($"deploying ResNet18 in {CodecStages} stages with {codec.Name} links");
            await fleet.DeployAsync(codec.Deployment, ResNetModel, CodecStages, codec.Encoding);
        }

        progress.Report("deploying the 1 MiB hop model in 1 and 2 stages");
        await fleet.DeployAsync("bench-hop1", HopModelName, 1);
        await fleet.DeployAsync("bench-hop2", HopModelName, 2);
        var hopInput = HopModel.Input();

        var targets = new List<string>(splits);
        targets.AddRange(codecs.Skip(1).Select(c => c.Deployment));
        var hop = new HopTimes(fleet, "bench-hop1", "bench-hop2");
        progress.Report($"warming up ({settings.WarmupRuns} request(s) per deployment)");
        for (var i = 0; i < settings.WarmupRuns; i++)
        {
            whole.Run(input);
            foreach (var deployment in targets)
            {
                await fleet.InferAsync(deployment, input);
            }

            await hop.TimePairsAsync(hopInput, HopModel.PairsPerRound, record: false);
        }

        progress.Report($"timing {settings.Runs} rounds");
        var baseline = new List<double>();
        var latency = targets.ToDictionary(t => t, _ => new List<double>());
        var compute = targets.ToDictionary(t => t, _ => new List<double>());
        for (var round = 0; round < settings.Runs; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            whole.Run(input);
            baseline.Add(watch.Elapsed.TotalMilliseconds);
            foreach (var deployment in targets)
            {
                watch.Restart();
                var result = await fleet.InferAsync(deployment, input);
                latency[deployment].Add(watch.Elapsed.TotalMilliseconds);
                compute[deployment].Add(result.Hops.Sum(h => h.Milliseconds));
            }

            await hop.TimePairsAsync(hopInput, HopModel.PairsPerRound, record: true);
        }

        var baselineMs = Statistics.Median(baseline);
        var splitFigures = splits.Select((d, i) => new SplitLatency(
            i + 1,
            Statistics.Median(latency[d]),
            Statistics.Median(compute[d]),
            Statistics.MedianRatio(latency[d], baseline),
            Statistics.Median(latency[d]) / baselineMs)).ToArray();

        var codecFigures = new List<CodecFigures>();
        foreach (var codec in codecs)
        {
            var requestId = $"bench-bytes-{codec.Name}-{Guid.NewGuid():N}";
            var result = await fleet.InferAsync(codec.Deployment, input, requestId);
            var received = await fleet.ReceivedBytesAsync(requestId);
            var links = fleet.Devices(CodecStages).Skip(1).Select(device => received[device]).ToArray();
            var output = Output(result);
            codecFigures.Add(new CodecFigures(
                codec.Name, links, TensorComparison.MaxAbsDiff(exact, output), TensorComparison.CosineSimilarity(exact, output), Statistics.Median(latency[codec.Deployment])));
        }

        return new LoopbackFigures(baselineMs, splitFigures, codecFigures, hop.OneStageMilliseconds, hop.TwoStagesMilliseconds);
    }

    private static NamedTensor Output(InferenceResult result) => result.Outputs.Single(o => o.Name == ResNet18.OutputName).ToNamedTensor();
}
