using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Errors;
using Orleans.Runtime.Placement;

namespace EdgeCluster.Grains.Placement;

/// <summary>
/// Resolves "DEVICE/..." keys to the active silo named DEVICE. There is no fallback: running a
/// device's stage elsewhere would move its data, so a missing device is an error.
/// </summary>
public sealed class DevicePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var device = DeviceGrainKey.DeviceOf(target.GrainIdentity.Key.ToString()!);
        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        var members = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && compatible.Contains(m.SiloAddress))
            .ToList();
        var match = members.FirstOrDefault(m => string.Equals(m.Name, device, StringComparison.Ordinal));
        if (match is null)
        {
            var known = string.Join(", ", members.Select(m => m.Name).Order(StringComparer.Ordinal));
            throw EdgeClusterException.NotFound($"Device '{device}' is not in the fleet (active devices: {known}).");
        }

        return Task.FromResult(match.SiloAddress);
    }
}
