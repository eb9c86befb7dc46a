using System.Globalization;
using EdgeCluster.Client.Output;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EdgeCluster.Client.Telemetry;

/// <summary>Renders a <see cref="TopFrame"/> as terminal tables, or as the JSON object <c>top --json</c> ends with.</summary>
public static class TopView
{
    public static IRenderable Render(TopFrame frame, int iteration)
    {
        var header = new Markup(
            $"[bold]EdgeCluster top[/]  devices {frame.Devices.Count} · deployments {frame.Deployments.Count} · " +
            $"{Rate(frame.RequestsPerSecond)} req/s · {Number(frame.FailuresPerSecond, "F1")} errors/s ({Number(frame.FailuresTotal, "F0")} total) · " +
            $"[grey]{frame.TakenAt:HH:mm:ss}, refresh {iteration}[/]");

        var devices = new Table().Title("devices").AddColumns("device", "state", "cpu %", "working set", "model store", "requests in flight", "http");
        foreach (var d in frame.Devices)
        {
            devices.AddRow(
                Markup.Escape(d.Device), d.Up ? "[green]up[/]" : $"[red]{Markup.Escape(d.Error ?? "down")}[/]", Number(d.CpuPercent, "F0"),
                Bytes(d.WorkingSetBytes), Bytes(d.ModelStoreBytes), Number(d.RequestsInFlight, "F0"), Markup.Escape(d.Http ?? "-"));
        }

        var deployments = new Table().Title("deployments").AddColumns("deployment", "model", "state", "route", "req/s", "mean ms", "p95 ms", "requests");
        foreach (var d in frame.Deployments)
        {
            deployments.AddRow(
                Markup.Escape(d.Deployment), Markup.Escape(d.Model), d.State, Markup.Escape(string.Join(" → ", d.Devices)),
                Rate(d.RequestsPerSecond), Number(d.LatencyMeanMs, "F1"), Number(d.LatencyP95Ms, "F1"), Number(d.RequestsTotal, "F0"));
        }

        var stages = new Table().Title("stages").AddColumns("device", "stage", "deployments", "runs/s", "compute ms", "queue wait ms", "queued", "in flight", "runs");
        foreach (var s in frame.Stages)
        {
            stages.AddRow(
                Markup.Escape(s.Device), s.Stage.ToString(CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", s.Deployments)),
                Rate(s.RunsPerSecond), Number(s.ComputeMeanMs, "F2"), Number(s.QueueWaitMeanMs, "F2"),
                Number(s.QueueDepth, "F0"), Number(s.InFlight, "F0"), Number(s.RunsTotal, "F0"));
        }

        var links = new Table().Title("links").AddColumns("source", "target", "bytes/s", "bytes");
        foreach (var l in frame.Links)
        {
            links.AddRow(Markup.Escape(l.Source), Markup.Escape(l.Target), Bytes(l.BytesPerSecond), Bytes(l.BytesTotal));
        }

        var failures = new Table().Title("failures").AddColumns("reason", "per s", "total");
        foreach (var f in frame.Failures)
        {
            failures.AddRow(Markup.Escape(f.Reason), Number(f.PerSecond, "F1"), Number(f.Total, "F0"));
        }

        return new Rows(header, devices, deployments, stages, links, failures);
    }

    public static Dictionary<string, object?> Json(TopFrame frame, int iterations) => new()
    {
        ["iterations"] = iterations,
        ["interval_s"] = Round(frame.IntervalSeconds),
        ["requests_per_second"] = Round(frame.RequestsPerSecond),
        ["failures_per_second"] = Round(frame.FailuresPerSecond),
        ["failures_total"] = frame.FailuresTotal,
        ["devices"] = frame.Devices.Select(d => new Dictionary<string, object?>
        {
            ["device"] = d.Device,
            ["up"] = d.Up,
            ["error"] = d.Error,
            ["http"] = d.Http,
            ["cpu_percent"] = Round(d.CpuPercent),
            ["working_set_bytes"] = d.WorkingSetBytes,
            ["model_store_bytes"] = d.ModelStoreBytes,
            ["requests_in_flight"] = d.RequestsInFlight,
        }).ToArray(),
        ["deployments"] = frame.Deployments.Select(d => new Dictionary<string, object?>
        {
            ["deployment"] = d.Deployment,
            ["model"] = d.Model,
            ["state"] = d.State,
            ["devices"] = d.Devices,
            ["requests_total"] = d.RequestsTotal,
            ["requests_per_second"] = Round(d.RequestsPerSecond),
            ["latency_mean_ms"] = Round(d.LatencyMeanMs),
            ["latency_p95_ms"] = Round(d.LatencyP95Ms),
        }).ToArray(),
        ["stages"] = frame.Stages.Select(s => new Dictionary<string, object?>
        {
            ["device"] = s.Device,
            ["stage"] = s.Stage,
            ["deployments"] = s.Deployments,
            ["runs_total"] = s.RunsTotal,
            ["runs_per_second"] = Round(s.RunsPerSecond),
            ["compute_mean_ms"] = Round(s.ComputeMeanMs),
            ["queue_wait_mean_ms"] = Round(s.QueueWaitMeanMs),
            ["queue_depth"] = s.QueueDepth,
            ["in_flight"] = s.InFlight,
        }).ToArray(),
        ["links"] = frame.Links.Select(l => new Dictionary<string, object?>
        {
            ["source"] = l.Source,
            ["target"] = l.Target,
            ["bytes_total"] = l.BytesTotal,
            ["bytes_per_second"] = Round(l.BytesPerSecond),
        }).ToArray(),
        ["failures"] = frame.Failures.Select(f => new Dictionary<string, object?>
        {
            ["reason"] = f.Reason,
            ["total"] = f.Total,
            ["per_second"] = Round(f.PerSecond),
        }).ToArray(),
    };

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private static string Rate(double? value) => Number(value, "F1");

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Bytes(double? value) => value is { } v ? Tables.Bytes((long)v) : "-";
}
