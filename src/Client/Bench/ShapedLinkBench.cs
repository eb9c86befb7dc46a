namespace EdgeCluster.Client.Bench;

/// <summary>
/// Split latency through rate-limited links (tc tbf at 50 and 10 Mbit/s) next to the objective planner's choice.
/// Not measured yet: it needs the silos in the network-namespace rig with the requesting client inside the origin
/// device's namespace (so the raw input does not cross a shaped link), and deployments that take the objective
/// planner's cuts instead of the FLOP-balanced ones.
/// </summary>
public static class ShapedLinkBench
{
    /// <summary>What could be measured (nothing, for now), with a note saying why.</summary>
    public static IReadOnlyList<ShapedLinkFigures> Measure(List<string> notes)
    {
        notes.Add(
            "planner_ms and best_split_ms are null: shaped-link runs (tc tbf 50/10 Mbit/s in the network-namespace rig) are not built yet; " +
            "they need the client inside the origin's namespace and deployments that accept the objective planner's cuts.");
        return [];
    }
}
