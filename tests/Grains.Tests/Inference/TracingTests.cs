using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Tests.Cluster;

namespace EdgeCluster.Grains.Tests.Inference;

/// <summary>With tracing on (a listener, as the silo host's telemetry adds), one request is one trace across every device.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class TracingTests(EdgeClusterFixture fixture)
{
    // Orleans propagates the trace context only when its own grain-call sources are listened to.
    private static readonly string[] Sources = [EdgeClusterDiagnostics.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    [Fact]
    public async Task Result_CarriesTheRequestsTraceId_AndEveryStageRunsInThatTrace()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => Sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var result = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, fixture.DeviceIds[0], [fixture.ResNet18Input(seed: 13)]);

        Assert.Matches("^[0-9a-f]{32}$", result.TraceId);
        var ours = stopped.Where(a => a.TraceId.ToHexString() == result.TraceId && a.Source.Name == EdgeClusterDiagnostics.Name).ToArray();
        var request = Assert.Single(ours, a => a.OperationName == "request");
        Assert.Equal(result.RequestId, request.GetTagItem("edgecluster.request_id"));
        var stages = ours.Where(a => a.OperationName == "stage.run").OrderBy(a => (int)a.GetTagItem("edgecluster.stage")!).ToArray();
        Assert.Equal(fixture.DeviceIds, stages.Select(a => (string)a.GetTagItem("edgecluster.device")!));
        Assert.Equal(result.Hops.Select(h => h.BytesOut), stages.Select(a => (long)a.GetTagItem("edgecluster.bytes_out")!));
    }
}
