using EdgeCluster.Client.Load;

namespace EdgeCluster.Client.Tests.Failover;

/// <summary>The drill the CLI runs, smaller: four namespaced devices, ResNet18 in three stages, 120 requests.</summary>
public sealed class FailoverDrillTests
{
    [Fact]
    public async Task Killing_the_middle_stage_device_under_load_loses_no_request()
    {
        var home = Directory.CreateTempSubdirectory("edgecluster-drill-tests-").FullName;
        try
        {
            var report = await FailoverDrill.RunAsync(home, new DrillOptions(Devices: 4, Stages: 3, Requests: 120, Concurrency: 8, KillAfter: 40));

            Assert.Equal(120, report.Load.Ok);
            Assert.Equal(0, report.Load.Failed);
            Assert.Equal(0, report.Load.Duplicates);
            Assert.Equal("device-2", report.KilledDevice);
            Assert.Equal("device-4", report.ReplacedOn);
            Assert.InRange(report.RecoverySeconds!.Value, 0.1, 30);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
