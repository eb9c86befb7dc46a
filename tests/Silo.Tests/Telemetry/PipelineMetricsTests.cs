using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EdgeCluster.Client.Telemetry;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Diagnostics;

namespace EdgeCluster.Silo.Tests.Telemetry;

[Collection(TelemetryClusterCollection.Name)]
public sealed class PipelineMetricsTests(TelemetryClusterFixture fleet)
{
    [Fact]
    public async Task BytesPerLinkEqualTheActivationBytesEachNextDeviceReceived()
    {
        using var recorder = new MeasurementRecorder();
        var result = await InferenceCall.InvokeAsync(fleet.Client, fleet.NewRequest());

        var links = recorder.Of("edgecluster.link.bytes")
            .GroupBy(m => (Source: m.Tag(MetricTags.Source), Target: m.Tag(MetricTags.Target)))
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(result.Hops.Length - 1, links.Count);
        for (var i = 0; i + 1 < result.Hops.Length; i++)
        {
            var (from, to) = (result.Hops[i], result.Hops[i + 1]);
            var received = await fleet.Client.GetGrain<IDeviceTrafficGrain>(DeviceGrainKey.Create(to.Device, "traffic")).GetReceivedAsync(result.RequestId);
            Assert.Equal(from.BytesOut, links[(from.Device, to.Device)]);
            Assert.Equal(to.BytesIn, links[(from.Device, to.Device)]);
            Assert.Equal(received.Sum(t => t.Bytes), links[(from.Device, to.Device)]);
        }
    }

    [Fact]
    public async Task EveryStageCountsOneCallInFlightAndQueuedThatEndsWhenItsShardRan()
    {
        using var recorder = new MeasurementRecorder();
        var result = await InferenceCall.InvokeAsync(fleet.Client, fleet.NewRequest());

        foreach (var hop in result.Hops)
        {
            foreach (var name in (string[])["edgecluster.stage.queue_depth", "edgecluster.stage.in_flight"])
            {
                var changes = recorder.Of(name).Where(m => m.Tag(MetricTags.Device) == hop.Device && m.Tag(MetricTags.Stage) == hop.Stage.ToString()).ToList();
                Assert.Equal([1L, -1L], changes.Select(m => (long)m.Value));
            }

            var compute = Assert.Single(recorder.Of("edgecluster.stage.compute_time"), m => m.Tag(MetricTags.Device) == hop.Device);
            Assert.Equal(hop.Milliseconds, compute.Value);
            var wait = Assert.Single(recorder.Of("edgecluster.stage.queue_wait"), m => m.Tag(MetricTags.Device) == hop.Device);
            Assert.True(wait.Value >= 0, $"queue wait {wait.Value} ms is negative");
        }

        var origin = result.Hops[0].Device;
        Assert.Equal([1L, -1L], recorder.Of("edgecluster.request.in_flight").Where(m => m.Tag(MetricTags.Device) == origin).Select(m => (long)m.Value));
        var duration = Assert.Single(recorder.Of("edgecluster.request.duration"));
        Assert.Equal(fleet.Route.Model, duration.Tag(MetricTags.Model));
    }

    [Fact]
    public void ModelStoreGaugeReportsTheBytesOfEachDevicesModelFiles()
    {
        using var recorder = new MeasurementRecorder();
        recorder.RecordObservables();

        foreach (var device in TelemetryClusterFixture.Devices)
        {
            var onDisk = Directory.EnumerateFiles(fleet.StoreOf(device), "*.onnx").Sum(f => new FileInfo(f).Length);
            var reported = Assert.Single(recorder.Of("edgecluster.model_store.bytes"), m => m.Tag(MetricTags.Device) == device);
            Assert.True(onDisk > 0, $"{device} stores no model file");
            Assert.Equal(onDisk, reported.Value);
        }
    }

    /// <summary>Every measurement of the EdgeCluster meter made by this fleet's devices while it lives.</summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();

        public MeasurementRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == EdgeClusterDiagnostics.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public IEnumerable<Measurement> Of(string instrument) => _measurements.Where(m => m.Instrument == instrument);

        public void RecordObservables() => _listener.RecordObservableInstruments();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = tags.ToArray().ToDictionary(t => t.Key, t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
            var devices = new[] { MetricTags.Device, MetricTags.Source }.Select(copy.GetValueOrDefault);
            var ours = devices.Any(d => d is not null && TelemetryClusterFixture.Devices.Contains(d))
                || (copy.ContainsKey(MetricTags.Model) && copy[MetricTags.Model] == TelemetryClusterFixture.Deployment);
            if (ours)
            {
                _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
            }
        }
    }

    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, string> Tags)
    {
        public string? Tag(string name) => Tags.GetValueOrDefault(name);
    }
}
