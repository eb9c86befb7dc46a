using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeCluster.Client.Bench;
using EdgeCluster.Client.Output;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

/// <summary><c>bench</c>: the split pipeline against the whole model in ONNX Runtime, side by side in one run.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Few runs and short windows: checks that everything runs, figures are rough" };
        var runs = new Option<int?>("--runs") { Description = "Timed requests per latency figure (default 21, quick 3)" };
        var seconds = new Option<double?>("--seconds") { Description = "Length of each throughput window in seconds (default 5, three rounds; quick 2, one round)" };
        var json = CommonOptions.Json();
        var replicas = new Option<bool>("--replicas") { Description = "Only the replica scaling bench: a two-stage tail with 1 then 2 replicas, each on its own core" };
        var command = new Command("bench", "Measure split latency, link bytes per codec, hop cost and pipeline throughput against the whole model")
        {
            quick, runs, seconds, json, replicas,
        };
        command.Subcommands.Add(Baseline());
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = result.GetValue(quick) ? BenchSettings.QuickRun : BenchSettings.Full;
            if (result.GetValue(runs) is { } n)
            {
                settings = n >= 1 ? settings with { Runs = n } : throw new EdgeClusterCliException($"--runs must be at least 1; got {n}.");
            }

            if (result.GetValue(seconds) is { } s)
            {
                settings = s > 0 ? settings with { ThroughputSeconds = s } : throw new EdgeClusterCliException($"--seconds must be positive; got {s}.");
            }

            if (result.GetValue(replicas))
            {
                var scaling = await ReplicaScalingBench.RunAsync(settings, new Progress<string>(m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]")), cancellationToken);
                AnsiConsole.MarkupLineInterpolated($"replica_scaling: {scaling.OneReplicaRps:F1} → {scaling.TwoReplicasRps:F1} req/s (x{scaling.Speedup:F2})");
                if (result.GetValue(json))
                {
                    JsonLine.Write(new Dictionary<string, object> { ["replica_scaling"] = scaling.ToJson() });
                }

                return 0;
            }

            var report = await BenchRunner.RunAsync(settings, new Progress<string>(m => AnsiConsole.MarkupLineInterpolated($"[grey]{m}[/]")), cancellationToken);
            Print(report);
            if (result.GetValue(json))
            {
                JsonLine.Write(report.ToJson());
            }

            return 0;
        });
        return command;
    }

    /// <summary>The hidden worker <see cref="BaselineProcess"/> starts under taskset: prints one JSON line.</summary>
    private static Command Baseline()
    {
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 1 };
        var warmup = new Option<double>("--warmup-seconds") { DefaultValueFactory = _ => 1 };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 5 };
        var command = new Command(BaselineProcess.Verb, "Closed-loop throughput of the whole ResNet18 in this process") { concurrency, warmup, seconds };
        command.Hidden = true;
        command.SetAction(result =>
        {
            var measured = BaselineWorker.Run(
                result.GetValue(concurrency), TimeSpan.FromSeconds(result.GetValue(warmup)), TimeSpan.FromSeconds(result.GetValue(seconds)));
            Console.WriteLine(JsonSerializer.Serialize(measured));
            return 0;
        });
        return command;
    }

    private static void Print(BenchReport report)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]baseline[/]: whole ResNet18 in ONNX Runtime in this process, {report.BaselineOrtThreads} thread(s): median {report.BaselineMilliseconds:F2} ms");
        var splits = new Table().AddColumns("stages", "median ms", "x baseline", "compute ms", "overhead ms");
        foreach (var split in report.Splits)
        {
            splits.AddRow(Int(split.Stages), Ms(split.Milliseconds), split.Ratio.ToString("F3", CultureInfo.InvariantCulture), Ms(split.ComputeMilliseconds), Ms(split.Milliseconds - split.ComputeMilliseconds));
        }

        AnsiConsole.Write(splits);
        var none = report.Codecs.FirstOrDefault(c => c.Codec == "none")?.BytesPerRequest ?? 0;
        var codecs = new Table().AddColumns("codec (3 stages)", "bytes per link", "bytes per request", "x none", "max abs diff", "cosine", "median ms");
        foreach (var codec in report.Codecs)
        {
            codecs.AddRow(codec.Codec, string.Join(" + ", codec.LinkBytes.Select(b => b.ToString(CultureInfo.InvariantCulture))), codec.BytesPerRequest.ToString(CultureInfo.InvariantCulture),
                none == 0 ? "-" : (codec.BytesPerRequest / (double)none).ToString("F3", CultureInfo.InvariantCulture),
                codec.MaxAbsDiff.ToString("E2", CultureInfo.InvariantCulture), codec.Cosine.ToString("F7", CultureInfo.InvariantCulture), Ms(codec.Milliseconds));
        }

        AnsiConsole.Write(codecs);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]hop[/]: 1 MiB over one device boundary costs {report.HopOverheadMilliseconds:F2} ms (2 stages {report.HopTwoStageMilliseconds:F2} ms - 1 stage {report.HopOneStageMilliseconds:F2} ms, medians of {report.HopRuns} requests each)");
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]hop over TLS[/]: {report.TlsHop.TlsMilliseconds:F2} ms, against {report.TlsHop.PlainMilliseconds:F2} ms on a plain fleet timed in the same rounds");
        var throughput = new Table().AddColumns("throughput", "requests/s");
        throughput.AddRow("pipeline: 2 stages on 2 one-core silos", Rps(report.PipelineRps));
        throughput.AddRow($"the same with dynamic batching (up to {PipelineBench.Batching.MaxBatchSize} rows, no wait)", Rps(report.PipelineBatchedRps));
        throughput.AddRow("whole model, 1 core", Rps(report.OneCore.RequestsPerSecond));
        throughput.AddRow("whole model, 2 cores, 2 ORT threads", Rps(report.TwoCoresIntraOp.RequestsPerSecond));
        throughput.AddRow("whole model, 2 cores, 2 requests at once", Rps(report.TwoCoresTwoRequests.RequestsPerSecond));
        AnsiConsole.Write(throughput);
        foreach (var note in report.Notes)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]note[/]: {note}");
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Rps(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
