using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EdgeCluster.Grains.Interfaces.Diagnostics;

/// <summary>The one ActivitySource and Meter of EdgeCluster, shared by silos, clients and the CLI.</summary>
public static class EdgeClusterDiagnostics
{
    public const string Name = "EdgeCluster";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);
}
