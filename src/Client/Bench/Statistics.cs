namespace EdgeCluster.Client.Bench;

public static class Statistics
{
    /// <summary>The middle value (mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// The median of <paramref name="numerators"/>[i] / <paramref name="denominators"/>[i]: a ratio of two timings
    /// taken side by side, which a machine that speeds up and slows down for seconds at a time moves far less than a
    /// ratio of medians taken over the whole run.
    /// </summary>
    public static double MedianRatio(IReadOnlyList<double> numerators, IReadOnlyList<double> denominators)
    {
        ArgumentNullException.ThrowIfNull(numerators);
        ArgumentNullException.ThrowIfNull(denominators);
        if (numerators.Count != denominators.Count)
        {
            throw new ArgumentException($"{numerators.Count} numerators cannot be paired with {denominators.Count} denominators.", nameof(denominators));
        }

        return Median(numerators.Select((value, i) => value / denominators[i]));
    }

    public static double Round(double value, int digits = 3) => Math.Round(value, digits);
}
