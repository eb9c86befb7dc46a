using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;

namespace EdgeCluster.Grains.Deployments;

/// <summary>Where the stages of a device that left go: to surviving devices with room for their weights.</summary>
public static class StagePlacement
{
    /// <summary>
    /// The route's stages with every stage of <paramref name="leaving"/> moved to one of <paramref name="candidates"/>;
    /// null when some stage fits on none of them, so the model must be re-planned. Devices that hold no stage of this
    /// deployment are preferred (the load spreads), then faster ones.
    /// </summary>
    public static StageRoute[]? Replace(DeploymentRoute route, string leaving, IReadOnlyList<DeviceInfo> candidates)
    {
        var stages = route.Stages.ToArray();
        var used = stages.Where(s => s.DeviceId != leaving)
            .GroupBy(s => s.DeviceId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.WeightBytes), StringComparer.Ordinal);
        for (var i = 0; i < stages.Length; i++)
        {
            if (stages[i].DeviceId != leaving)
            {
                continue;
            }

            var weight = stages[i].WeightBytes;
            var pick = candidates
                .Where(d => d.DeviceId != leaving && d.MemoryBytes - used.GetValueOrDefault(d.DeviceId) >= weight)
                .OrderBy(d => used.ContainsKey(d.DeviceId) ? 1 : 0)
                .ThenByDescending(d => d.RelativeSpeed)
                .ThenBy(d => d.DeviceId, StringComparer.Ordinal)
                .FirstOrDefault();
            if (pick is null)
            {
                return null;
            }

            stages[i] = stages[i] with { DeviceId = pick.DeviceId };
            used[pick.DeviceId] = used.GetValueOrDefault(pick.DeviceId) + weight;
        }

        return stages;
    }
}
