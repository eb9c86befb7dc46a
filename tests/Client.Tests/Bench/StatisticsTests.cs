using EdgeCluster.Client.Bench;

namespace EdgeCluster.Client.Tests.Bench;

public sealed class StatisticsTests
{
    [Fact]
    public void Median_OfAnEvenCount_IsTheMeanOfTheMiddleTwo() => Assert.Equal(2.5, Statistics.Median([4, 1, 3, 2]));

    [Fact]
    public void MedianRatio_PairsEachTimingWithItsOwnBaseline()
    {
        // The machine runs at half speed from round 3 on, and came back for a moment for round 3's split request.
        double[] baselines = [10, 10, 20, 20, 20];
        double[] splits = [11, 11, 11, 22, 22];

        Assert.Equal(1.1, Statistics.MedianRatio(splits, baselines), 12);

        // Medians taken apart pair the baseline's slow rounds with the split's fast ones.
        Assert.Equal(0.55, Statistics.Median(splits) / Statistics.Median(baselines), 12);
    }

    [Fact]
    public void MedianRatio_OfUnpairedCounts_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Statistics.MedianRatio([1, 2], [1]));

        Assert.StartsWith("2 numerators cannot be paired with 1 denominators.", e.Message, StringComparison.Ordinal);
    }
}
