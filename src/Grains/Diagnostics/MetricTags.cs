namespace EdgeCluster.Grains.Diagnostics;

/// <summary>Tag names of EdgeCluster metrics, so producers and readers (Prometheus, dashboards, <c>top</c>) agree.</summary>
public static class MetricTags
{
    public const string Device = "device";
    public const string Stage = "stage";
    public const string Model = "model";
    public const string Reason = "reason";
    public const string Source = "source";
    public const string Target = "target";
}
