using System.Diagnostics;
using EdgeCluster.Client.Telemetry;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;

namespace EdgeCluster.Silo.Tests.Telemetry;

/// <summary><c>top</c>'s arithmetic on two scrapes two seconds apart: rates, means, percentiles, counter resets.</summary>
public sealed class TopFrameTests
{
    private static readonly long TwoSeconds = 2 * Stopwatch.Frequency;

    [Fact]
    public void RatesMeansAndP95AreTakenOverTheInterval()
    {
        var before = Sample(0, Scrape("device-1", """
            edgecluster_request_duration_milliseconds_count{model="m"} 10
            edgecluster_request_duration_milliseconds_sum{model="m"} 1000
            edgecluster_request_duration_milliseconds_bucket{model="m",le="25"} 10
            edgecluster_request_duration_milliseconds_bucket{model="m",le="100"} 10
            edgecluster_request_duration_milliseconds_bucket{model="m",le="+Inf"} 10
            edgecluster_stage_compute_time_milliseconds_count{device="device-1",stage="0"} 10
            edgecluster_stage_compute_time_milliseconds_sum{device="device-1",stage="0"} 50
            dotnet_process_cpu_time_seconds_total{cpu_mode="user"} 0.6
            dotnet_process_cpu_time_seconds_total{cpu_mode="system"} 0.4
            dotnet_process_cpu_count 2
            """));
        var after = Sample(TwoSeconds, Scrape("device-1", """
            edgecluster_request_duration_milliseconds_count{model="m"} 30
            edgecluster_request_duration_milliseconds_sum{model="m"} 2600
            edgecluster_request_duration_milliseconds_bucket{model="m",le="25"} 10
            edgecluster_request_duration_milliseconds_bucket{model="m",le="100"} 30
            edgecluster_request_duration_milliseconds_bucket{model="m",le="+Inf"} 30
            edgecluster_request_in_flight{device="device-1"} 2
            edgecluster_stage_compute_time_milliseconds_count{device="device-1",stage="0"} 30
            edgecluster_stage_compute_time_milliseconds_sum{device="device-1",stage="0"} 130
            edgecluster_stage_queue_depth{device="device-1",stage="0"} 1
            edgecluster_request_failures_total{reason="Unavailable"} 4
            dotnet_process_cpu_time_seconds_total{cpu_mode="user"} 1.2
            dotnet_process_cpu_time_seconds_total{cpu_mode="system"} 0.8
            dotnet_process_cpu_count 2
            """));

        var frame = TopFrame.Compute(before, after);

        Assert.Equal(2, frame.IntervalSeconds!.Value, 9);
        var deployment = Assert.Single(frame.Deployments);
        Assert.Equal(30, deployment.RequestsTotal);
        Assert.Equal(10, deployment.RequestsPerSecond!.Value, 9);
        Assert.Equal(80, deployment.LatencyMeanMs!.Value, 9);
        Assert.Equal(96.25, deployment.LatencyP95Ms!.Value, 9); // rank 19 of 20 new requests, all in (25, 100]
        Assert.Equal(10, frame.RequestsPerSecond!.Value, 9);

        var stage = Assert.Single(frame.Stages);
        Assert.Equal(["d"], stage.Deployments);
        Assert.Equal(10, stage.RunsPerSecond!.Value, 9);
        Assert.Equal(4, stage.ComputeMeanMs!.Value, 9);
        Assert.Equal(1, stage.QueueDepth);

        var device = Assert.Single(frame.Devices);
        Assert.Equal(25, device.CpuPercent!.Value, 9); // 1 CPU-second in 2 s is half a core: 25 % of the device's 2 cores
        Assert.Equal(2, device.RequestsInFlight);

        var failure = Assert.Single(frame.Failures);
        Assert.Equal(4, failure.Total);
        Assert.Equal(2, failure.PerSecond!.Value, 9);
    }

    [Fact]
    public void ACounterThatWentDownCountsFromZeroBecauseItsSiloRestarted()
    {
        var before = Sample(0, Scrape("device-1", "edgecluster_link_bytes_total{source=\"device-1\",target=\"device-2\"} 5000"));
        var after = Sample(TwoSeconds, Scrape("device-1", "edgecluster_link_bytes_total{source=\"device-1\",target=\"device-2\"} 1000"));

        var link = Assert.Single(TopFrame.Compute(before, after).Links);

        Assert.Equal(1000, link.BytesTotal);
        Assert.Equal(500, link.BytesPerSecond!.Value, 9);
    }

    [Fact]
    public void WithoutAPreviousSampleOrAScrapeThereAreTotalsButNoRates()
    {
        var down = new DeviceScrape(Device("device-2"), [], "connection refused");
        var only = Sample(0, Scrape("device-1", "edgecluster_request_duration_milliseconds_count{model=\"m\"} 7"), down);

        var frame = TopFrame.Compute(null, only);

        Assert.Null(frame.IntervalSeconds);
        Assert.Null(frame.RequestsPerSecond);
        Assert.Equal(7, frame.Deployments.Single().RequestsTotal);
        Assert.Null(frame.Deployments.Single().RequestsPerSecond);
        Assert.Equal([true, false], frame.Devices.Select(d => d.Up));
        Assert.Equal("connection refused", frame.Devices[1].Error);
    }

    private static FleetSample Sample(long timestamp, params DeviceScrape[] devices)
    {
        var route = new DeploymentRoute("d", "m", 1, ["x"], ["y"], [new StageRoute(0, "device-1", "sha", 1, ["x"], ["y"], ["y"], 1, 1, 1)]);
        return new FleetSample(timestamp, DateTimeOffset.UnixEpoch, devices, [new DeploymentStatus("d", DeploymentState.Ready, route, null, DateTimeOffset.UnixEpoch)]);
    }

    private static DeviceScrape Scrape(string device, string text) => new(Device(device), PrometheusText.Parse(text), null);

    private static DeviceInfo Device(string id) =>
        new(id, "127.0.0.1:1", null, "http://127.0.0.1:2", 1, [], 2, 1, 1, DateTimeOffset.UnixEpoch, null);
}
