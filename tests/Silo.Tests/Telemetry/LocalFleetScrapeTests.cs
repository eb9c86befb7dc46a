using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeCluster.Client.Telemetry;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Silo.Telemetry;

namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary>A real silo process's <c>/metrics</c> as its consumers read it: Prometheus, the Grafana dashboard, <c>edgecluster top</c>.</summary>
public sealed partial class LocalFleetScrapeTests(LocalFleetFixture fleet) : IClassFixture<LocalFleetFixture>
{
    [RequiresToolFact("prometheus")]
    public async Task PrometheusScrapesTheSiloAndAnswersQueriesForEdgeClusterSeries()
    {
        var prometheus = await fleet.StartPrometheusAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var requests = await QueryUntilPresentAsync(http, prometheus, "edgecluster_request_duration_milliseconds_count");
        var series = Assert.Single(requests);
        Assert.Equal(LocalFleetFixture.Model, series.GetProperty("metric").GetProperty("model").GetString());
        Assert.Equal("edgecluster", series.GetProperty("metric").GetProperty("job").GetString());
        Assert.Equal("1", series.GetProperty("value")[1].GetString());

        var link = Assert.Single(await QueryUntilPresentAsync(http, prometheus, "edgecluster_link_bytes_total"));
        Assert.Equal(fleet.ForwardedBytes.ToString(CultureInfo.InvariantCulture), link.GetProperty("value")[1].GetString());
        var failures = Assert.Single(await QueryUntilPresentAsync(http, prometheus, "edgecluster_request_failures_total"));
        Assert.Equal(nameof(EdgeClusterErrorKind.InvalidArgument), failures.GetProperty("metric").GetProperty("reason").GetString());
    }

    [Fact]
    public void TheCliExportsItsClientSpanOverOtlpUnderTheTraceTheSiloContinued()
    {
        var traceId = Convert.FromHexString(fleet.Answered.GetProperty("trace_id").GetString()!);
        var traces = fleet.CliExports.Where(e => e.Path == "/v1/traces").Select(e => e.Body).ToList();

        Assert.NotEmpty(traces);
        Assert.Contains(traces, body => Contains(body, Encoding.UTF8.GetBytes(InferenceCall.SpanName)) && Contains(body, traceId));
        Assert.Contains(traces, body => Contains(body, Encoding.UTF8.GetBytes(ClientTelemetryExtensions.ServiceName)));
        Assert.Contains(traces, body => Contains(body, Encoding.UTF8.GetBytes(fleet.Answered.GetProperty("request_id").GetString()!)));
    }

    [RequiresToolFact("prometheus")]
    public async Task EveryDashboardQueryRunsOnPrometheusAndReturnsSeries()
    {
        var prometheus = await fleet.StartPrometheusAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        // rate() needs two samples in its window: wait for a third scrape.
        await QueryUntilPresentAsync(http, prometheus, "count_over_time(up[1m]) >= 3");

        foreach (var expression in DashboardExpressions())
        {
            // Grafana substitutes the rate interval; a window of a minute covers every scrape so far.
            var query = expression.Replace("$__rate_interval", "1m", StringComparison.Ordinal);
            using var response = await http.GetAsync(QueryUri(prometheus, query));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(response.IsSuccessStatusCode, $"Prometheus rejected '{query}': {body.RootElement}");
            Assert.Equal("success", body.RootElement.GetProperty("status").GetString());
            Assert.True(body.RootElement.GetProperty("data").GetProperty("result").GetArrayLength() > 0, $"'{query}' returned no series");
        }
    }

    [Fact]
    public async Task EverySeriesTheDashboardQueriesIsInTheSilosScrape()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var scrape = PrometheusText.Parse(await http.GetStringAsync(new Uri(new Uri(fleet.Silo.Http), TelemetryExtensions.MetricsPath)));
        var exported = scrape.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var queried = DashboardExpressions().SelectMany(e => SeriesName().Matches(e).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        Assert.True(queried.Count >= 10, $"the dashboard queries only {queried.Count} series");
        var missing = queried.Where(name => !exported.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"the dashboard queries series no silo exports: {string.Join(", ", missing)}");
        Assert.Contains(PrometheusNames.RequestDuration + PrometheusNames.BucketSuffix, queried);
        Assert.Contains(PrometheusNames.LinkBytes, queried);
        Assert.Contains(PrometheusNames.RequestFailures, queried);
    }

    [Fact]
    public async Task TopOnceShowsTheDeviceItsDeploymentStagesLinksAndFailures()
    {
        var (exitCode, output, error) = await CliProcess.RunAsync(
            "top", "--once", "--interval", "0.5", "--json", "--gateway", fleet.Silo.Gateway, "--cluster-id", fleet.Fleet.ClusterId);
        Assert.True(exitCode == 0, $"top exited {exitCode}: {error}");
        using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
        var root = json.RootElement;

        Assert.Equal(1, root.GetProperty("iterations").GetInt32());
        var device = Assert.Single(root.GetProperty("devices").EnumerateArray());
        Assert.Equal(fleet.Silo.Device, device.GetProperty("device").GetString());
        Assert.True(device.GetProperty("up").GetBoolean());
        var storeBytes = Directory.EnumerateFiles(fleet.ModelStore, "*.onnx").Sum(f => new FileInfo(f).Length);
        Assert.Equal(storeBytes, device.GetProperty("model_store_bytes").GetDouble());

        var deployment = Assert.Single(root.GetProperty("deployments").EnumerateArray());
        Assert.Equal(LocalFleetFixture.Model, deployment.GetProperty("deployment").GetString());
        Assert.Equal(1, deployment.GetProperty("requests_total").GetDouble());
        Assert.Equal(0, deployment.GetProperty("requests_per_second").GetDouble());

        var stages = root.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal([0, 1], stages.Select(s => s.GetProperty("stage").GetInt32()));
        Assert.All(stages, s => Assert.Equal(1, s.GetProperty("runs_total").GetDouble()));
        Assert.All(stages, s => Assert.Equal(0, s.GetProperty("queue_depth").GetDouble()));

        var link = Assert.Single(root.GetProperty("links").EnumerateArray());
        Assert.Equal(fleet.Silo.Device, link.GetProperty("source").GetString());
        Assert.Equal(fleet.Silo.Device, link.GetProperty("target").GetString());
        Assert.Equal(fleet.ForwardedBytes, link.GetProperty("bytes_total").GetDouble());

        var failure = Assert.Single(root.GetProperty("failures").EnumerateArray());
        Assert.Equal(fleet.RejectedAs.ToString(), failure.GetProperty("reason").GetString());
        Assert.Equal(1, failure.GetProperty("total").GetDouble());
    }

    private static bool Contains(byte[] body, byte[] part) => body.AsSpan().IndexOf(part) >= 0;

    private static IEnumerable<string> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.FleetDashboard));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)
            .ToList();
    }

    private static Uri QueryUri(Uri prometheus, string query) => new(prometheus, "/api/v1/query?query=" + Uri.EscapeDataString(query));

    /// <summary>The result vector of <paramref name="query"/>, once Prometheus has scraped a sample for it.</summary>
    private static async Task<JsonElement[]> QueryUntilPresentAsync(HttpClient http, Uri prometheus, string query)
    {
        var deadline = Stopwatch.StartNew();
        string last = "";
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var body = JsonDocument.Parse(await http.GetStringAsync(QueryUri(prometheus, query)));
                last = body.RootElement.ToString();
                var result = body.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(e => e.Clone()).ToArray();
                if (result.Length > 0)
                {
                    return result;
                }
            }
            catch (HttpRequestException exception)
            {
                // Prometheus is still starting.
                last = exception.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Prometheus had no sample for '{query}' within 60 s; last answer: {last}");
    }

    [GeneratedRegex(@"\b(?:edgecluster|dotnet|orleans)_[a-z0-9_]+")]
    private static partial Regex SeriesName();
}
