using EdgeCluster.Client.Bench;

namespace EdgeCluster.Client.Tests.Bench;

public sealed class LinkShapingTests
{
    [Theory]
    [InlineData(10, 52.4288)]
    [InlineData(50, 10.48576)]
    public void An_idle_links_token_bucket_refills_in_its_burst_over_its_rate(double megabits, double milliseconds)
    {
        Assert.Equal(65536, LinkShaping.BurstBytes);
        Assert.Equal(milliseconds, LinkShaping.BucketRefill(megabits).TotalMilliseconds, precision: 3);
    }
}
