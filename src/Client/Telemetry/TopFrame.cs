using System.Diagnostics;
using System.Globalization;
using EdgeCluster.Grains.Diagnostics;
using static EdgeCluster.Client.Telemetry.PrometheusNames;

namespace EdgeCluster.Client.Telemetry;

/// <summary>What <c>top</c> shows at one refresh: totals since each silo started, and rates over the last interval.</summary>
public sealed record TopFrame(
    DateTimeOffset TakenAt,
    double? IntervalSeconds,
    IReadOnlyList<DeviceRow> Devices,
    IReadOnlyList<DeploymentRow> Deployments,
    IReadOnlyList<StageRow> Stages,
    IReadOnlyList<LinkRow> Links,
    IReadOnlyList<FailureRow> Failures)
{
    /// <summary>Requests per second over the fleet (each model once: deployments of one model share its series).</summary>
    public double? RequestsPerSecond => IntervalSeconds is null ? null : Deployments.DistinctBy(d => d.Model).Sum(d => d.RequestsPerSecond ?? 0);

    public double? FailuresPerSecond => IntervalSeconds is null ? null : Failures.Sum(f => f.PerSecond ?? 0);

    public double FailuresTotal => Failures.Sum(f => f.Total);

    /// <summary>Builds a frame from <paramref name="current"/>; rates need the <paramref name="previous"/> sample.</summary>
    public static TopFrame Compute(FleetSample? previous, FleetSample current)
    {
        double? seconds = previous is null ? null : Stopwatch.GetElapsedTime(previous.Timestamp, current.Timestamp).TotalSeconds;
        var rates = new Rates(previous, current, seconds);
        return new TopFrame(
            current.TakenAt, seconds, DeviceRows(current, rates), DeploymentRows(current, rates),
            StageRows(current, rates), LinkRows(current, rates), FailureRows(current, rates));
    }

    private static List<DeviceRow> DeviceRows(FleetSample current, Rates rates)
    {
        var cpu = rates.PerSecond(ProcessCpuTime, (device, _) => device);
        return current.Devices.Select(scrape =>
        {
            var id = scrape.Device.DeviceId;
            var cores = scrape.Samples.FirstOrDefault(s => s.Name == ProcessCpuCount)?.Value;
            double? cpuPercent = cpu.TryGetValue(id, out var busy) && cores is > 0 ? 100 * busy / cores : null;
            return new DeviceRow(
                id, scrape.Device.Http, scrape.Up, scrape.Error, cpuPercent,
                scrape.Samples.FirstOrDefault(s => s.Name == ProcessWorkingSet)?.Value,
                scrape.Samples.Where(s => s.Name == ModelStoreBytes && s.Label(MetricTags.Device) == id).Select(s => (double?)s.Value).FirstOrDefault(),
                scrape.Samples.Where(s => s.Name == RequestsInFlight).Sum(s => s.Value));
        }).OrderBy(row => row.Device, StringComparer.Ordinal).ToList();
    }

    private static List<DeploymentRow> DeploymentRows(FleetSample current, Rates rates)
    {
        static string Model(string device, MetricSample s) => s.Label(MetricTags.Model);
        var count = current.SumBy(RequestDuration + CountSuffix, Model);
        var perSecond = rates.PerSecond(RequestDuration + CountSuffix, Model);
        var sumPerSecond = rates.PerSecond(RequestDuration + SumSuffix, Model);
        return current.Deployments.Select(status =>
        {
            var model = status.Route?.Model ?? "";
            var rate = perSecond.TryGetValue(model, out var r) ? r : (double?)null;
            double? mean = rate is > 0 && sumPerSecond.TryGetValue(model, out var sum) ? sum / rate : null;
            return new DeploymentRow(
                status.Name, model, status.State.ToString(), status.Route?.Stages.Select(s => s.DeviceId).ToArray() ?? [],
                count.GetValueOrDefault(model), rate, mean, rates.Quantile(0.95, RequestDuration, s => s.Label(MetricTags.Model), model));
        }).OrderBy(row => row.Deployment, StringComparer.Ordinal).ToList();
    }

    private static List<StageRow> StageRows(FleetSample current, Rates rates)
    {
        static (string, int) Key(string device, MetricSample s) => (s.Label(MetricTags.Device), int.TryParse(s.Label(MetricTags.Stage), CultureInfo.InvariantCulture, out var i) ? i : -1);
        var runs = current.SumBy(StageComputeTime + CountSuffix, Key);
        var runsPerSecond = rates.PerSecond(StageComputeTime + CountSuffix, Key);
        var computePerSecond = rates.PerSecond(StageComputeTime + SumSuffix, Key);
        var waitsPerSecond = rates.PerSecond(StageQueueWait + CountSuffix, Key);
        var waitPerSecond = rates.PerSecond(StageQueueWait + SumSuffix, Key);
        var depth = current.SumBy(StageQueueDepth, Key);
        var inFlight = current.SumBy(StageInFlight, Key);
        var placed = current.Deployments
            .SelectMany(d => d.Route?.Stages.Select(s => (Key: (s.DeviceId, s.Index), d.Name)) ?? [])
            .ToLookup(p => p.Key, p => p.Name);

        return runs.Keys.Union(depth.Keys).Union(inFlight.Keys).Union(placed.Select(g => g.Key)).Distinct()
            .Select(key => new StageRow(
                key.Item1, key.Item2, placed[key].Order(StringComparer.Ordinal).ToArray(), runs.GetValueOrDefault(key),
                runsPerSecond.TryGetValue(key, out var r) ? r : null,
                Ratio(computePerSecond, runsPerSecond, key), Ratio(waitPerSecond, waitsPerSecond, key),
                depth.GetValueOrDefault(key), inFlight.GetValueOrDefault(key)))
            .OrderBy(row => row.Device, StringComparer.Ordinal).ThenBy(row => row.Stage)
            .ToList();
    }

    private static List<LinkRow> LinkRows(FleetSample current, Rates rates)
    {
        static (string, string) Key(string device, MetricSample s) => (s.Label(MetricTags.Source), s.Label(MetricTags.Target));
        var perSecond = rates.PerSecond(LinkBytes, Key);
        return current.SumBy(LinkBytes, Key)
            .Select(pair => new LinkRow(pair.Key.Item1, pair.Key.Item2, pair.Value, perSecond.TryGetValue(pair.Key, out var r) ? r : null))
            .OrderBy(row => row.Source, StringComparer.Ordinal).ThenBy(row => row.Target, StringComparer.Ordinal)
            .ToList();
    }

    private static List<FailureRow> FailureRows(FleetSample current, Rates rates)
    {
        static string Reason(string device, MetricSample s) => s.Label(MetricTags.Reason);
        var perSecond = rates.PerSecond(RequestFailures, Reason);
        return current.SumBy(RequestFailures, Reason)
            .Select(pair => new FailureRow(pair.Key, pair.Value, perSecond.TryGetValue(pair.Key, out var r) ? r : null))
            .OrderBy(row => row.Reason, StringComparer.Ordinal)
            .ToList();
    }

    private static double? Ratio<TKey>(Dictionary<TKey, double> numerator, Dictionary<TKey, double> denominator, TKey key)
        where TKey : notnull =>
        denominator.TryGetValue(key, out var d) && d > 0 && numerator.TryGetValue(key, out var n) ? n / d : null;
}
