using System.Diagnostics;

namespace EdgeCluster.Silo.Tests.Telemetry;

[Collection(TelemetryClusterCollection.Name)]
public sealed class DeploymentTraceTests(TelemetryClusterFixture fleet)
{
    [Fact]
    public async Task ADeploymentIsOneTraceWithTheModelDownloadEveryShardUploadAndEveryDevicesShardLoad()
    {
        var deploy = Assert.Single(await fleet.SpansAsync(s =>
            s.DisplayName == "deployment.deploy" && (string?)s.GetTagItem("edgecluster.deployment") == TelemetryClusterFixture.Deployment));
        var stages = fleet.Route.Stages;
        var trace = await fleet.SpansOfTraceAsync(deploy.TraceId.ToHexString(), spans => spans.Count(s => s.DisplayName == "shard.load") == stages.Length);

        // The whole model comes out of its blob once; each stage's shard goes into its own blob.
        Assert.Contains(trace, s => s.DisplayName == "model.download" && s.ParentSpanId == deploy.SpanId);
        var uploads = trace.Where(s => s.DisplayName == "model.upload").ToList();
        Assert.Equal(
            stages.Select(s => (s.ShardSha256, s.ShardBytes)).Order(),
            uploads.Select(s => ((string)s.GetTagItem("edgecluster.blob")!, (long)s.GetTagItem("edgecluster.bytes")!)).Order());

        var loads = trace.Where(s => s.DisplayName == "shard.load").ToList();
        Assert.Equal(
            stages.Select(s => (s.DeviceId, s.ShardSha256)).Order(),
            loads.Select(s => ((string)s.GetTagItem("edgecluster.device")!, (string)s.GetTagItem("edgecluster.shard")!)).Order());
        Assert.All(loads, load => Assert.True(load.StartTimeUtc >= deploy.StartTimeUtc && load.Duration <= deploy.Duration));
        Assert.All(trace, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
    }
}
