using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Deployments;

/// <summary>Which device runs which stage: the spec's devices in order (stage 0 on the first), else every device by id.</summary>
public static class DeviceSelection
{
    public static IReadOnlyList<DeviceInfo> Select(DeploymentSpec spec, IReadOnlyList<DeviceInfo> fleet)
    {
        if (spec.Stages < 1)
        {
            throw EdgeClusterException.InvalidArgument($"A deployment needs at least one stage; {spec.Stages} were asked for.");
        }

        if (fleet.Count == 0)
        {
            throw EdgeClusterException.Unavailable("No device has joined the fleet yet.");
        }

        var byId = fleet.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        var chosen = spec.Devices.Length == 0
            ? fleet.OrderBy(d => d.DeviceId, StringComparer.Ordinal).ToList()
            : spec.Devices.Select(id => byId.TryGetValue(id, out var device)
                ? device
                : throw EdgeClusterException.NotFound(
                    $"Device '{id}' does not exist; devices in the fleet: {string.Join(", ", byId.Keys.Order(StringComparer.Ordinal))}.")).ToList();

        // More stages than devices wrap around: a device may host several stages.
        return Enumerable.Range(0, spec.Stages).Select(i => chosen[i % chosen.Count]).ToArray();
    }
}
