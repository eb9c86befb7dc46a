namespace EdgeCluster.Grains.Failover;

/// <summary>Device liveness as this silo's membership view has it (device id == silo name).</summary>
public static class FleetMembership
{
    public static bool IsActive(this IClusterMembershipService membership, string deviceId) =>
        membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && string.Equals(m.Name, deviceId, StringComparison.Ordinal));

    public static IReadOnlySet<string> ActiveDevices(this IClusterMembershipService membership) =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && m.Name is not null)
            .Select(m => m.Name!)
            .ToHashSet(StringComparer.Ordinal);
}
