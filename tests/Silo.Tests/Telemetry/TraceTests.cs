using System.Diagnostics;
using EdgeCluster.Client.Telemetry;

namespace EdgeCluster.Silo.Tests.Telemetry;

[Collection(TelemetryClusterCollection.Name)]
public sealed class TraceTests(TelemetryClusterFixture fleet)
{
    [Fact]
    public async Task OneInferenceAcrossThreeSilosIsOneTraceFromTheClientSpanThroughEveryStage()
    {
        var result = await InferenceCall.InvokeAsync(fleet.Client, fleet.NewRequest());

        Assert.NotNull(result.TraceId);
        var spans = await fleet.SpansOfTraceAsync(result.TraceId!, trace =>
            trace.Count(s => s.DisplayName == "stage.run") == 3 && trace.Any(s => s.DisplayName == InferenceCall.SpanName));
        var byId = spans.ToDictionary(s => s.SpanId);

        var client = Assert.Single(spans, s => s.DisplayName == InferenceCall.SpanName);
        Assert.Equal(ActivityKind.Client, client.Kind);
        Assert.Equal(default, client.ParentSpanId);
        Assert.Equal(result.TraceId, client.TraceId.ToHexString());
        Assert.Equal(result.RequestId, client.GetTagItem("edgecluster.request_id"));

        var request = Assert.Single(spans, s => s.DisplayName == "request");
        Assert.Equal(fleet.Route.Stages[0].DeviceId, request.GetTagItem("edgecluster.device"));
        Assert.Contains(client, Ancestors(request, byId));

        var stages = spans.Where(s => s.DisplayName == "stage.run").OrderBy(s => (int)s.GetTagItem("edgecluster.stage")!).ToList();
        Assert.Equal([0, 1, 2], stages.Select(s => (int)s.GetTagItem("edgecluster.stage")!));
        Assert.Contains(request, Ancestors(stages[0], byId));
        for (var i = 0; i < stages.Count; i++)
        {
            var span = stages[i];
            var hop = result.Hops[i];
            var route = fleet.Route.Stages[i];
            Assert.Equal(TelemetryClusterFixture.Devices[i], span.GetTagItem("edgecluster.device"));
            Assert.Equal(hop.Device, span.GetTagItem("edgecluster.device"));
            Assert.Equal(route.ShardSha256, span.GetTagItem("edgecluster.shard"));
            Assert.Equal(hop.BytesIn, span.GetTagItem("edgecluster.bytes_in"));
            Assert.Equal(hop.BytesOut, span.GetTagItem("edgecluster.bytes_out"));
            Assert.Equal(hop.Milliseconds, span.GetTagItem("edgecluster.onnx_ms"));
            Assert.InRange((double)span.GetTagItem("edgecluster.queue_wait_ms")!, 0, span.Duration.TotalMilliseconds);
            Assert.Contains(client, Ancestors(span, byId));
            if (i > 0)
            {
                // Stage i is called by stage i-1 from its device: the previous stage's span is on the parent chain.
                Assert.Contains(stages[i - 1], Ancestors(span, byId));
            }
        }

        // Between two stages the chain passes through the activation link's client and server spans of the stage call.
        var link = Ancestors(stages[1], byId).TakeWhile(s => s != stages[0]).ToList();
        Assert.Equal(["activation_link.serve", "activation_link.call"], link.Select(s => s.DisplayName));
        Assert.Equal([ActivityKind.Server, ActivityKind.Client], link.Select(s => s.Kind));
        Assert.Equal(TelemetryClusterFixture.Devices[1], link[0].GetTagItem("edgecluster.device"));
        Assert.Equal(TelemetryClusterFixture.Devices[1], link[1].GetTagItem("edgecluster.target"));
    }

    private static List<Activity> Ancestors(Activity span, IReadOnlyDictionary<ActivitySpanId, Activity> byId)
    {
        var chain = new List<Activity>();
        for (var parent = span.ParentSpanId; byId.TryGetValue(parent, out var next); parent = next.ParentSpanId)
        {
            chain.Add(next);
        }

        return chain;
    }
}
