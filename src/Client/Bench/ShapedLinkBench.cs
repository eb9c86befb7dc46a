using System.Diagnostics;
using EdgeCluster.Client.Fleet;
using EdgeCluster.Client.Profiling;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// ResNet18 in two stages on two silos in network namespaces whose device-to-device links are rate-limited (tc tbf at
/// 50 and 10 Mbit/s; quick: 10 only): every valid cut (quick: a few, evenly spaced) is timed with requests entering at
/// device-1, next to the cut the latency-objective planner picks from the link bandwidth, round trip and device speeds
/// the fleet measured live. Each cut is timed once after a warm-up; per rate the fastest few cuts within 30% of the
/// fastest, and the planner's cut, are timed again together in one fleet (median of 11, quick: 5, round robin over the
/// cuts). The fastest of those is the best split; unless it is the planner's own cut, the two are then timed head to
/// head with fresh requests (median of 41 after 10 untimed rounds; quick: 5 after 1), and those medians are the figures: the fastest of several
/// medians is biased low by the very noise it was picked from, and equal cuts would otherwise always look 5–15 %
/// apart. Shards are shipped and loaded with the links unshaped (shipping
/// ResNet18 through 10 Mbit/s would take half a minute per deployment); the rate is set once every deployment of a
/// fleet is warm. Fleets are restarted every <see cref="CutsPerFleet"/> cuts so the silos do not hold every cut's
/// sessions at once.
/// </summary>
public sealed class ShapedLinkBench(BenchSettings settings, IReadOnlyList<NamedTensor> input, IProgress<string> progress)
{
    private const string Model = "resnet18";
    private const int Stages = 2;
    private const int QuickCuts = 6;
    private const int CutsPerFleet = 16;
    private const double NearBest = 1.3;
    private const int QuickRetimes = 5;
    private const int FullRetimes = 11;
    private const int QuickHeadToHead = 5;
    private const int FullHeadToHead = 41;

    // Untimed rounds before the head-to-head: a fleet's first seconds after shaping carry load spikes.
    private const int HeadToHeadWarmups = 10;
    private const int ContendersPerRate = (CutsPerFleet / 2) - 1;

    private static readonly double[] FullRates = [50, 10];
    private static readonly double[] QuickRates = [10];

    /// <summary>The figures per rate, or none with a note saying why (not root, no ip/tc, or the run failed).</summary>
    public static async Task<IReadOnlyList<ShapedLinkFigures>> MeasureAsync(
        BenchSettings settings, IReadOnlyList<NamedTensor> input, List<string> notes, IProgress<string> progress, CancellationToken cancellationToken)
    {
        if (LinkShaping.Unavailable() is { } reason)
        {
            notes.Add($"planner_ms and best_split_ms are null: {reason}.");
            return [];
        }

        try
        {
            var figures = await new ShapedLinkBench(settings, input, progress).RunAsync(cancellationToken);
            ShapedLinkTable.Write(figures);
            notes.Add(
                "planner_ms and best_split_ms are from the shaped-link rate where the planner's cut came off worst against the fastest measured cut " +
                $"({string.Join(", ", figures.Select(f => $"{f.Megabits:0.#} Mbit/s: x{f.Ratio:F3}"))}).");
            return figures;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            notes.Add($"planner_ms and best_split_ms are null: the shaped-link run failed: {exception.Message}");
            return [];
        }
    }

    private double[] Rates => settings.Quick ? QuickRates : FullRates;

    private int Retimes => settings.Quick ? QuickRetimes : FullRetimes;

    private int HeadToHead => settings.Quick ? QuickHeadToHead : FullHeadToHead;

    private async Task<IReadOnlyList<ShapedLinkFigures>> RunAsync(CancellationToken cancellationToken)
    {
        var content = await File.ReadAllBytesAsync(ResNet18.ModelPath, cancellationToken);
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(content, Model));
        var (flopsHere, _) = ComputeCalibration.Measure(analysis);
        var speedHere = FleetPlanning.SpeedHere();
        var byPosition = analysis.ValidCuts.ToDictionary(c => c.Position);

        progress.Report("shaped links: creating a two-device network-namespace rig");
        await using var rig = await NetworkNamespaceRig.CreateAsync(Stages, cancellationToken: cancellationToken);
        BenchFleet? fleet = await StartFleetAsync(rig, content, cancellationToken);
        try
        {
            var plans = new Dictionary<double, (ObjectivePlan Plan, FleetProfile Profile)>();
            foreach (var rate in Rates)
            {
                await LinkShaping.ShapeAsync(rig, rate, cancellationToken);
                var chain = (await fleet.Client.ListDevicesAsync()).OrderBy(d => d.DeviceId, StringComparer.Ordinal).ToArray();
                var profile = await FleetProfile.MeasureAsync(fleet.Client.Grains, chain, progress: progress);
                var costs = FleetPlanning.Costs(profile, flopsHere, speedHere, [ActivationCodec.None]);
                var plan = ObjectivePartitioner.Plan(analysis, Stages, PlanObjective.Latency, costs, profile.Devices);
                progress.Report($"{rate} Mbit/s: the planner cuts at {plan.Partition.CutPositions[0]}, estimating {plan.LatencySeconds * 1e3:F1} ms");
                plans[rate] = (plan, profile);
            }

            await LinkShaping.ClearAsync(rig);
            var planned = plans.Values.Select(p => p.Plan.Partition.CutPositions[0]);
            var cuts = (settings.Quick ? Spread(analysis.ValidCuts, QuickCuts).Concat(planned) : analysis.ValidCuts.Select(c => c.Position))
                .Distinct().Order().ToArray();

            // First pass: every cut once per rate.
            var once = new Dictionary<(double Rate, int Cut), double>();
            foreach (var (batch, index) in cuts.Chunk(CutsPerFleet).Select((b, i) => (b, i)))
            {
                if (index > 0)
                {
                    // Stopping the silos is what frees every session and shard blob the last batch loaded.
                    await fleet!.DisposeAsync();
                    fleet = null;
                    fleet = await StartFleetAsync(rig, content, cancellationToken);
                }

                await TimeAsync(fleet, rig, batch, 1, once, cancellationToken);
            }

            // Second pass: per rate the fastest few cuts within 30% of the fastest, and the planner's cut, all in one fleet
            // and round robin, so the cuts that decide the comparison are timed under the same conditions.
            var contenders = Rates.SelectMany(rate =>
            {
                var best = cuts.Min(c => once[(rate, c)]);
                return cuts.Where(c => once[(rate, c)] <= best * NearBest).OrderBy(c => once[(rate, c)]).Take(ContendersPerRate)
                    .Append(plans[rate].Plan.Partition.CutPositions[0]);
            }).Distinct().Order().ToArray();
            var median = new Dictionary<(double Rate, int Cut), double>();
            var loaded = cuts.Chunk(CutsPerFleet).Last();
            if (contenders.All(loaded.Contains))
            {
                await TimeAsync(fleet!, rig, contenders, Retimes, median, cancellationToken, deploy: false);
            }
            else
            {
                await fleet!.DisposeAsync();
                fleet = null;
                fleet = await StartFleetAsync(rig, content, cancellationToken);
                await TimeAsync(fleet, rig, contenders, Retimes, median, cancellationToken);
            }

            // Third pass: the fastest retimed cut against the planner's, with requests whose noise did not pick the winner.
            var fastest = Rates.ToDictionary(rate => rate, rate => contenders.MinBy(c => median[(rate, c)]));
            var headToHead = new Dictionary<(double Rate, int Cut), double>();
            foreach (var rate in Rates)
            {
                var planner = plans[rate].Plan.Partition.CutPositions[0];
                if (fastest[rate] != planner)
                {
                    await TimeAsync(fleet!, rig, [planner, fastest[rate]], HeadToHead, headToHead, cancellationToken, deploy: false, rates: [rate], warmups: settings.Quick ? 1 : HeadToHeadWarmups);
                }
            }

            return Rates.Select(rate =>
            {
                var (plan, profile) = plans[rate];
                var planner = plan.Partition.CutPositions[0];
                var timed = cuts.Select(c => median.TryGetValue((rate, c), out var ms)
                    ? new ShapedCut(c, byPosition[c].AfterNode, byPosition[c].Bytes, ms, Retimes)
                    : new ShapedCut(c, byPosition[c].AfterNode, byPosition[c].Bytes, once[(rate, c)], 1)).ToArray();
                var best = byPosition[fastest[rate]];
                var (plannerMs, bestMs, runs) = headToHead.TryGetValue((rate, planner), out var plannerAgain)
                    ? (plannerAgain, Math.Min(plannerAgain, headToHead[(rate, best.Position)]), HeadToHead)
                    : (median[(rate, planner)], median[(rate, planner)], Retimes);
                var link = profile.Links[0];
                return new ShapedLinkFigures(
                    rate, link.Megabits, link.RoundTripMilliseconds, Stages, plan.Partition.CutPositions, plan.LatencySeconds * 1e3,
                    plannerMs, bestMs, $"cut {best.Position} after {best.AfterNode} ({best.Bytes} bytes)", timed)
                {
                    FastestRetimedMilliseconds = median[(rate, best.Position)],
                    FiguresRuns = runs,
                };
            }).ToArray();
        }
        finally
        {
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Deploys <paramref name="cuts"/> (unless this fleet already has them) with full-speed links and warms each up, then
    /// times each <paramref name="runs"/> times at every rate.
    /// </summary>
    private async Task TimeAsync(
        BenchFleet fleet,
        NetworkNamespaceRig rig,
        IReadOnlyList<int> cuts,
        int runs,
        Dictionary<(double Rate, int Cut), double> into,
        CancellationToken cancellationToken,
        bool deploy = true,
        IReadOnlyList<double>? rates = null,
        int warmups = 0)
    {
        await LinkShaping.ClearAsync(rig);
        foreach (var cut in deploy ? cuts : [])
        {
            progress.Report($"deploying ResNet18 cut at {cut}");
            var status = await fleet.Client.DeployAsync(Deployment(cut), new DeploymentSpec(Model, Stages, fleet.Devices(Stages)) { Cuts = [cut] });
            if (status.State != DeploymentState.Ready)
            {
                throw new EdgeClusterCliException($"Deployment {Deployment(cut)} is {status.State}: {status.Error}");
            }

            await fleet.InferAsync(Deployment(cut), input);
        }

        foreach (var rate in rates ?? Rates)
        {
            await LinkShaping.ShapeAsync(rig, rate, cancellationToken);

            // One request through the freshly shaped link before the clock starts, or as many untimed rounds as asked for.
            await fleet.InferAsync(Deployment(cuts[0]), input);
            for (var i = 0; i < warmups; i++)
            {
                foreach (var cut in cuts)
                {
                    await fleet.InferAsync(Deployment(cut), input);
                }
            }

            // Round robin over the cuts, so a change in the machine's load hits every cut alike. Each request starts on an
            // idle link with a full token bucket: otherwise the bucket holds what refilled since the previous request's
            // transfer, which the previous cut's tail decides, and a cut would be timed partly by the cut before it.
            var refill = LinkShaping.BucketRefill(rate) * 1.5;
            var times = cuts.ToDictionary(c => c, _ => new List<double>());
            for (var i = 0; i < runs; i++)
            {
                foreach (var cut in cuts)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Delay(refill, cancellationToken);
                    var watch = Stopwatch.StartNew();
                    await fleet.InferAsync(Deployment(cut), input);
                    times[cut].Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            foreach (var (cut, measured) in times)
            {
                into[(rate, cut)] = Statistics.Median(measured);
            }

            progress.Report($"{rate} Mbit/s: timed cuts {cuts[0]}-{cuts[^1]}");
        }

        await LinkShaping.ClearAsync(rig);
    }

    private async Task<BenchFleet> StartFleetAsync(NetworkNamespaceRig rig, byte[] content, CancellationToken cancellationToken)
    {
        await LinkShaping.ClearAsync(rig);
        var fleet = await BenchFleet.StartAsync(Stages, new FleetLaunchOptions { Rig = rig }, progress, cancellationToken);
        try
        {
            await fleet.Client.RegisterModelAsync(Model, content, cancellationToken: cancellationToken);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    private static string Deployment(int cut) => $"shaped-cut-{cut}";

    private static IEnumerable<int> Spread(IReadOnlyList<CutPoint> cuts, int count) =>
        Enumerable.Range(0, Math.Min(count, cuts.Count)).Select(i => cuts[(int)((long)i * (cuts.Count - 1) / Math.Max(1, count - 1))].Position);
}
