namespace EdgeCluster.Client.Telemetry;

/// <summary>
/// Changes of cumulative series between two samples, per second. Compared device by device, so that a counter
/// that went down (its silo restarted) counts from zero instead of going negative.
/// </summary>
public sealed class Rates(FleetSample? previous, FleetSample current, double? seconds)
{
    public Dictionary<TKey, double> PerSecond<TKey>(string name, Func<string, MetricSample, TKey> key)
        where TKey : notnull
    {
        var result = new Dictionary<TKey, double>();
        if (seconds is not > 0)
        {
            return result;
        }

        foreach (var (now, before) in Pairs())
        {
            foreach (var (k, increase) in Increases(now, before, name, key))
            {
                result[k] = result.GetValueOrDefault(k) + (increase / seconds.Value);
            }
        }

        return result;
    }

    /// <summary>
    /// The <paramref name="q"/>-quantile of histogram <paramref name="histogram"/> over the interval, for the series
    /// whose <paramref name="key"/> is <paramref name="wanted"/>; interpolated within a bucket as PromQL's histogram_quantile does.
    /// </summary>
    public double? Quantile(double q, string histogram, Func<MetricSample, string> key, string wanted)
    {
        if (seconds is not > 0)
        {
            return null;
        }

        var byBound = new SortedDictionary<double, double>();
        foreach (var (now, before) in Pairs())
        {
            var increases = Increases(now, before, histogram + PrometheusNames.BucketSuffix, (_, s) => (Key: key(s), Le: Bound(s)));
            foreach (var ((k, le), increase) in increases)
            {
                if (k == wanted && !double.IsNaN(le))
                {
                    byBound[le] = byBound.GetValueOrDefault(le) + increase;
                }
            }
        }

        return HistogramQuantile(q, byBound.Select(pair => (pair.Key, pair.Value)).ToList());
    }

    /// <summary>Quantile from cumulative bucket counts ordered by upper bound, the last bound being +Inf.</summary>
    public static double? HistogramQuantile(double q, IReadOnlyList<(double UpperBound, double Count)> buckets)
    {
        if (buckets.Count == 0 || buckets[^1].Count <= 0)
        {
            return null;
        }

        var rank = q * buckets[^1].Count;
        for (var i = 0; i < buckets.Count; i++)
        {
            if (buckets[i].Count < rank)
            {
                continue;
            }

            var upper = buckets[i].UpperBound;
            var lower = i == 0 ? 0 : buckets[i - 1].UpperBound;
            if (double.IsPositiveInfinity(upper))
            {
                return lower;
            }

            var below = i == 0 ? 0 : buckets[i - 1].Count;
            var inBucket = buckets[i].Count - below;
            return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below) / inBucket);
        }

        return buckets[^1].UpperBound;
    }

    private static double Bound(MetricSample sample) => sample.Label("le") switch
    {
        "+Inf" => double.PositiveInfinity,
        var text => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : double.NaN,
    };

    private IEnumerable<(DeviceScrape Now, DeviceScrape Before)> Pairs()
    {
        if (previous is null)
        {
            yield break;
        }

        foreach (var now in current.Devices.Where(d => d.Up))
        {
            var before = previous.Devices.FirstOrDefault(d => d.Device.DeviceId == now.Device.DeviceId && d.Up);
            if (before is not null)
            {
                yield return (now, before);
            }
        }
    }

    private static Dictionary<TKey, double> Increases<TKey>(DeviceScrape now, DeviceScrape before, string name, Func<string, MetricSample, TKey> key)
        where TKey : notnull
    {
        var device = now.Device.DeviceId;
        var then = before.Samples.Where(s => s.Name == name).GroupBy(s => key(device, s)).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));
        return now.Samples.Where(s => s.Name == name).GroupBy(s => key(device, s)).ToDictionary(
            g => g.Key,
            g =>
            {
                var value = g.Sum(s => s.Value);
                var increase = value - then.GetValueOrDefault(g.Key);
                return increase < 0 ? value : increase;
            });
    }
}
