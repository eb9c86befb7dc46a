using System.CommandLine;
using System.Globalization;
using EdgeCluster.Client.Output;
using EdgeCluster.Client.Profiling;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary>
/// <c>plan</c>: how a model would be split. Without <c>--objective</c> it balances FLOPs over <c>--stages</c> stages;
/// with one it turns FLOPs and bytes into seconds (device speed, link bandwidth and round trip) and minimises
/// latency or the pipeline bottleneck, choosing the stage count too when <c>--stages</c> is not given. With
/// <c>--fleet</c> the device speeds and links are measured on the live fleet instead of given.
/// </summary>
public static class PlanCommand
{
    private const int DefaultStages = 3;
    private const int MaxSearchedStages = 4;

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An .onnx file, or a built-in model: resnet18, transformer, two-branch, unet" };
        var stages = new Option<int?>("--stages") { Description = $"Number of pipeline stages (default {DefaultStages}; with --objective: the best of 1 to {MaxSearchedStages}, or to the number of --speeds)" };
        var dims = DimOptions.Create();
        var objective = new Option<string?>("--objective") { Description = "Minimise 'latency' (compute + transfers of one request) or 'throughput' (slowest stage or link)" };
        var bandwidth = new Option<double?>("--bandwidth-mbit") { Description = "Link bandwidth in Mbit/s (default: unlimited)" };
        var roundTrip = new Option<double>("--rtt-ms") { Description = "Link round trip in ms", DefaultValueFactory = _ => 0 };
        var codec = new Option<string>("--codec") { Description = "Codec on the links: none, fp16, int8, or auto (the planner picks per link)", DefaultValueFactory = _ => "none" };
        var speeds = new Option<string?>("--speeds") { Description = "Relative speeds of the stage devices in order, e.g. 1,1,2 (default: all 1)" };
        var gflops = new Option<double?>("--gflops") { Description = "Effective GFLOP/s of a speed-1 device (default: time the model in ONNX Runtime here)" };
        var fleet = new Option<bool>("--fleet") { Description = "Measure the live fleet: each device's speed and each link's bandwidth and round trip (instead of --speeds, --bandwidth-mbit, --rtt-ms)" };
        var devices = new Option<string?>("--devices") { Description = "With --fleet: comma-separated device ids, stage 0 on the first (default: every device by id)" };
        var gateway = CommonOptions.Gateway();
        var clusterId = CommonOptions.ClusterId();
        var json = CommonOptions.Json();
        var command = new Command("plan", "Show how a model would be split into stages")
        {
            model, stages, dims, objective, bandwidth, roundTrip, codec, speeds, gflops, fleet, devices, gateway, clusterId, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (name, content) = ModelSource.Load(result.GetValue(model)!);
            var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(content, name), DimOptions.Parse(result.GetValue(dims)));
            AnsiConsole.MarkupLineInterpolated($"[bold]{name}[/]: {analysis.NodeCount} nodes, {analysis.TotalFlops / 1e9:F2} GFLOPs, {analysis.ValidCuts.Count} valid cut points");
            if (result.GetValue(objective) is not { } objectiveText)
            {
                if (result.GetValue(fleet))
                {
                    throw new EdgeClusterCliException("--fleet needs --objective latency or throughput: the FLOP-balanced plan does not use speeds or links.");
                }

                var plan = ModelPartitioner.Plan(analysis, result.GetValue(stages) ?? DefaultStages);
                AnsiConsole.Write(StageTable(plan, null));
                PrintCuts(plan);
                if (result.GetValue(json))
                {
                    JsonLine.Write(PlanJson(name, plan));
                }

                return 0;
            }

            var goal = ParseObjective(objectiveText);
            var codecs = ParseCodecs(result.GetValue(codec)!);
            FleetProfile? measured = null;
            DeviceProfile[]? profiles;
            PlanCosts costs;
            if (result.GetValue(fleet))
            {
                measured = await MeasureFleetAsync(result.GetValue(gateway), result.GetValue(clusterId), DeployCommand.ParseDevices(result.GetValue(devices)), cancellationToken);
                profiles = [.. measured.Devices];

                // --gflops already names a speed-1 device; a calibration here is scaled by this machine's own probe speed.
                costs = FleetPlanning.Costs(measured, FlopsPerSecond(analysis, result.GetValue(gflops)), result.GetValue(gflops) is null ? FleetPlanning.SpeedHere() : 1, codecs);
            }
            else
            {
                profiles = ParseSpeeds(result.GetValue(speeds));
                costs = new PlanCosts(FlopsPerSecond(analysis, result.GetValue(gflops)), Link(result.GetValue(bandwidth), result.GetValue(roundTrip))) { Codecs = codecs };
            }

            var candidates = result.GetValue(stages) is { } fixedStages
                ? [ObjectivePartitioner.Plan(analysis, fixedStages, goal, costs, profiles)]
                : ObjectivePartitioner.PlanEachStageCount(analysis, profiles?.Length ?? MaxSearchedStages, goal, costs, profiles);
            var best = candidates.Aggregate((x, y) => y.Score < x.Score ? y : x);
            Print(best, candidates, costs);
            if (result.GetValue(json))
            {
                var summary = ObjectiveJson(name, best, candidates, costs, result.GetValue(bandwidth), result.GetValue(roundTrip));
                if (measured is not null)
                {
                    summary["fleet"] = FleetJson(measured);
                }

                JsonLine.Write(summary);
            }

            return 0;
        });
        return command;
    }

    private static async Task<FleetProfile> MeasureFleetAsync(string? gateway, string? clusterId, string[] chosen, CancellationToken cancellationToken)
    {
        await using var client = await FleetConnection.ConnectAsync(gateway, clusterId, null, cancellationToken);
        var listed = await client.ListDevicesAsync();
        var byId = listed.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        DeviceInfo[] chain = chosen.Length == 0
            ? [.. listed.OrderBy(d => d.DeviceId, StringComparer.Ordinal)]
            : [.. chosen.Select(id => byId.TryGetValue(id, out var device)
                ? device
                : throw new EdgeClusterCliException($"--devices: '{id}' is not in the fleet (devices: {string.Join(", ", byId.Keys.Order(StringComparer.Ordinal))})."))];
        if (chain.Length == 0)
        {
            throw new EdgeClusterCliException("No device has joined the fleet yet.");
        }

        var profile = await FleetProfile.MeasureAsync(client.Grains, chain, progress: new Progress<string>(line => AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]")));
        var table = new Table().AddColumns("link", "Mbit/s", "round trip ms", "probe bytes");
        foreach (var link in profile.Links)
        {
            table.AddRow(Markup.Escape($"{link.FromDevice} → {link.ToDevice}"), link.Megabits.ToString("F1", CultureInfo.InvariantCulture),
                link.RoundTripMilliseconds.ToString("F2", CultureInfo.InvariantCulture), link.Bytes.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        return profile;
    }

    private static Dictionary<string, object> FleetJson(FleetProfile profile) => new()
    {
        ["devices"] = profile.Speeds.Select(s => new Dictionary<string, object> { ["device"] = s.DeviceId, ["relative_speed"] = s.RelativeSpeed }).ToArray(),
        ["links"] = profile.Links.Select(l => new Dictionary<string, object>
        {
            ["from"] = l.FromDevice,
            ["to"] = l.ToDevice,
            ["mbit"] = Math.Round(l.Megabits, 3),
            ["rtt_ms"] = Math.Round(l.RoundTripMilliseconds, 3),
            ["probe_bytes"] = l.Bytes,
        }).ToArray(),
    };

    private static Table StageTable(PartitionPlan plan, ObjectivePlan? timed)
    {
        var table = new Table().AddColumns("stage", "nodes", "first → last", "FLOPs share", "weights", "boundary out", "bytes out");
        if (timed is not null)
        {
            table.AddColumns("compute ms", "link codec", "wire bytes", "link ms");
        }

        foreach (var stage in plan.Stages)
        {
            var cells = new List<string>
            {
                stage.Index.ToString(CultureInfo.InvariantCulture),
                stage.NodeCount.ToString(CultureInfo.InvariantCulture),
                Markup.Escape($"{stage.FirstNode} → {stage.LastNode}"),
                stage.FlopsShare.ToString("P1", CultureInfo.InvariantCulture),
                Tables.Bytes(stage.WeightBytes),
                Markup.Escape(string.Join(Environment.NewLine, stage.Outputs.Select(t => $"{t.Name} {t.ElementType}[{string.Join(",", t.Shape)}]"))),
                Tables.Bytes(stage.OutputBytes),
            };
            if (timed is not null)
            {
                var link = stage.Index < timed.Links.Count ? timed.Links[stage.Index] : null;
                cells.Add(Ms(timed.StageSeconds[stage.Index]));
                cells.Add(link is null ? "-" : ActivationCodecs.Name(link.Codec));
                cells.Add(link is null ? "-" : Tables.Bytes(link.WireBytes));
                cells.Add(link is null ? "-" : Ms(link.LatencySeconds));
            }

            table.AddRow(cells.ToArray());
        }

        return table;
    }

    private static void Print(ObjectivePlan best, IReadOnlyList<ObjectivePlan> candidates, PlanCosts costs)
    {
        if (candidates.Count > 1)
        {
            var table = new Table().AddColumns("stages", "latency ms", "bottleneck ms", "requests/s");
            foreach (var candidate in candidates)
            {
                table.AddRow(candidate.Partition.Stages.Count.ToString(CultureInfo.InvariantCulture), Ms(candidate.LatencySeconds),
                    Ms(candidate.BottleneckSeconds), candidate.ThroughputPerSecond.ToString("F1", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
        }

        AnsiConsole.Write(StageTable(best.Partition, best));
        PrintCuts(best.Partition);
        AnsiConsole.MarkupLineInterpolated(
            $"{best.Objective.ToString().ToLowerInvariant()} plan: {best.Partition.Stages.Count} stages, estimated latency {Ms(best.LatencySeconds)} ms, bottleneck {Ms(best.BottleneckSeconds)} ms ({best.ThroughputPerSecond:F1} requests/s) at {costs.FlopsPerSecond / 1e9:F1} GFLOP/s per unit of speed");
    }

    private static void PrintCuts(PartitionPlan plan)
    {
        if (plan.CutPositions.Count > 0)
        {
            var positions = string.Join(",", plan.CutPositions);
            AnsiConsole.MarkupLineInterpolated($"cuts at node positions {positions} (deploy with --cuts {positions})");
        }
    }

    private static object PlanJson(string name, PartitionPlan plan) => new Dictionary<string, object>
    {
        ["model"] = name,
        ["stages"] = plan.Stages.Select(s => new
        {
            index = s.Index,
            nodes = s.NodeCount,
            flops_share = Math.Round(s.FlopsShare, 6),
            weight_bytes = s.WeightBytes,
            boundary = s.Outputs.Select(t => new { name = t.Name, shape = t.Shape, bytes = t.Bytes }),
        }).ToArray(),
        ["cuts"] = plan.Cuts,
        ["cut_positions"] = plan.CutPositions,
    };

    private static Dictionary<string, object> ObjectiveJson(
        string name, ObjectivePlan best, IReadOnlyList<ObjectivePlan> candidates, PlanCosts costs, double? bandwidth, double roundTrip)
    {
        var summary = (Dictionary<string, object>)PlanJson(name, best.Partition);
        summary["objective"] = best.Objective.ToString().ToLowerInvariant();
        summary["gflops"] = Math.Round(costs.FlopsPerSecond / 1e9, 3);
        summary["bandwidth_mbit"] = bandwidth is { } b ? b : double.PositiveInfinity;
        summary["rtt_ms"] = roundTrip;
        summary["stage_ms"] = best.StageSeconds.Select(s => Math.Round(s * 1e3, 4)).ToArray();
        summary["links"] = best.Links.Select(l => new Dictionary<string, object>
        {
            ["from_stage"] = l.FromStage,
            ["codec"] = ActivationCodecs.Name(l.Codec),
            ["raw_bytes"] = l.RawBytes,
            ["wire_bytes"] = l.WireBytes,
            ["ms"] = Math.Round(l.LatencySeconds * 1e3, 4),
        }).ToArray();
        summary["estimated_latency_ms"] = Math.Round(best.LatencySeconds * 1e3, 4);
        summary["estimated_bottleneck_ms"] = Math.Round(best.BottleneckSeconds * 1e3, 4);
        summary["estimated_rps"] = Math.Round(best.ThroughputPerSecond, 3);
        summary["candidates"] = candidates.Select(c => new Dictionary<string, object>
        {
            ["stages"] = c.Partition.Stages.Count,
            ["latency_ms"] = Math.Round(c.LatencySeconds * 1e3, 4),
            ["bottleneck_ms"] = Math.Round(c.BottleneckSeconds * 1e3, 4),
        }).ToArray();
        return summary;
    }

    private static double FlopsPerSecond(GraphAnalysis analysis, double? gflops)
    {
        if (gflops is { } given)
        {
            return given > 0 && double.IsFinite(given) ? given * 1e9 : throw new EdgeClusterCliException($"--gflops must be positive; got {given}.");
        }

        var (flopsPerSecond, milliseconds) = ComputeCalibration.Measure(analysis);
        AnsiConsole.MarkupLineInterpolated($"[grey]calibrated {flopsPerSecond / 1e9:F1} GFLOP/s: the whole model takes {milliseconds:F1} ms in ONNX Runtime here[/]");
        return flopsPerSecond;
    }

    private static LinkProfile Link(double? megabits, double roundTripMilliseconds)
    {
        if (megabits is { } mbit && !(mbit > 0))
        {
            throw new EdgeClusterCliException($"--bandwidth-mbit must be positive; got {mbit}.");
        }

        if (!(roundTripMilliseconds >= 0))
        {
            throw new EdgeClusterCliException($"--rtt-ms must not be negative; got {roundTripMilliseconds}.");
        }

        return megabits is { } m ? LinkProfile.FromMegabits(m, roundTripMilliseconds) : LinkProfile.Unlimited with { RoundTripSeconds = roundTripMilliseconds / 1e3 };
    }

    private static PlanObjective ParseObjective(string text) => text.Trim().ToLowerInvariant() switch
    {
        "latency" => PlanObjective.Latency,
        "throughput" => PlanObjective.Throughput,
        _ => throw new EdgeClusterCliException($"--objective '{text}' is not latency or throughput."),
    };

    private static IReadOnlyList<ActivationCodec> ParseCodecs(string text)
    {
        if (string.Equals(text.Trim(), "auto", StringComparison.OrdinalIgnoreCase))
        {
            return ActivationCodecs.All;
        }

        try
        {
            return [ActivationCodecs.Parse(text)];
        }
        catch (ArgumentException)
        {
            throw new EdgeClusterCliException($"--codec '{text}' is not none, fp16, int8 or auto.");
        }
    }

    private static DeviceProfile[]? ParseSpeeds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return text.Split(',', StringSplitOptions.TrimEntries).Select((part, i) =>
            double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && speed > 0 && double.IsFinite(speed)
                ? new DeviceProfile($"device-{i + 1}", speed, long.MaxValue)
                : throw new EdgeClusterCliException($"--speeds '{text}': '{part}' is not a positive number.")).ToArray();
    }

    private static string Ms(double seconds) => (seconds * 1e3).ToString("F2", CultureInfo.InvariantCulture);
}
