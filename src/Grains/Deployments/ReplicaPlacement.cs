using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Deployments;

/// <summary>
/// Where the copies of stages go: stage 0 on every origin device (raw input never leaves its device), and each
/// later stage on as many distinct devices as it has replicas, the least busy first (fewest stage copies of this
/// deployment, counting origins), then those with most room and speed.
/// </summary>
public static class ReplicaPlacement
{
    /// <summary>The planned stages with stage 0 on the spec's origins and every later stage on <see cref="DeploymentSpec.Replicas"/> devices.</summary>
    public static StageRoute[] Assign(StageRoute[] stages, DeploymentSpec spec, IReadOnlyList<DeviceInfo> fleet)
    {
        if (spec.Origins.Length == 0 && spec.Replicas <= 1)
        {
            return stages;
        }

        var byId = fleet.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        var result = stages.ToArray();
        if (spec.Origins.Length > 0)
        {
            var missing = spec.Origins.Where(o => !byId.ContainsKey(o)).ToArray();
            if (missing.Length > 0)
            {
                throw EdgeClusterException.NotFound(
                    $"Origin device(s) {string.Join(", ", missing)} are not in the fleet; devices in the fleet: {string.Join(", ", byId.Keys.Order(StringComparer.Ordinal))}.");
            }

            var origins = spec.Origins.Distinct(StringComparer.Ordinal).ToArray();
            result[0] = result[0] with { DeviceId = origins[0], Replicas = origins };
        }

        for (var i = 1; i < result.Length; i++)
        {
            result[i] = WithReplicas(result, i, Math.Max(spec.Replicas, 1), fleet);
        }

        return result;
    }

    /// <summary>
    /// Stage <paramref name="index"/> with exactly <paramref name="replicas"/> devices: keeps the ones it has (the primary first),
    /// drops the newest ones when shrinking, adds the least busy devices with room when growing.
    /// </summary>
    public static StageRoute WithReplicas(IReadOnlyList<StageRoute> stages, int index, int replicas, IReadOnlyList<DeviceInfo> fleet)
    {
        if (replicas < 1)
        {
            throw EdgeClusterException.InvalidArgument($"A stage needs at least one replica; {replicas} were asked for.");
        }

        var stage = stages[index];
        var current = stage.Devices.ToList();
        if (current.Count >= replicas)
        {
            var kept = current.Take(replicas).ToArray();
            return stage with { DeviceId = kept[0], Replicas = kept.Length == 1 ? [] : kept };
        }

        var copies = stages.SelectMany(s => s.Devices).GroupBy(d => d, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var weights = stages.SelectMany(s => s.Devices.Select(d => (Device: d, s.WeightBytes)))
            .GroupBy(x => x.Device, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.WeightBytes), StringComparer.Ordinal);
        var added = fleet
            .Where(d => !current.Contains(d.DeviceId, StringComparer.Ordinal) && d.MemoryBytes - weights.GetValueOrDefault(d.DeviceId) >= stage.WeightBytes)
            .OrderBy(d => copies.GetValueOrDefault(d.DeviceId))
            .ThenByDescending(d => d.RelativeSpeed)
            .ThenBy(d => d.DeviceId, StringComparer.Ordinal)
            .Take(replicas - current.Count)
            .Select(d => d.DeviceId)
            .ToArray();
        if (current.Count + added.Length < replicas)
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.FailedPrecondition,
                $"Stage {index} needs {replicas} replicas on distinct devices with room for {stage.WeightBytes} bytes of weights; only {current.Count + added.Length} of the {fleet.Count} devices qualify.");
        }

        return stage with { Replicas = [.. current, .. added] };
    }

    /// <summary>The route's stages without <paramref name="device"/> among the replicas of stages that have others; single-device stages are left to <see cref="StagePlacement"/>.</summary>
    public static StageRoute[] WithoutDevice(IEnumerable<StageRoute> stages, string device) =>
        stages.Select(s =>
        {
            if (!s.Devices.Contains(device, StringComparer.Ordinal))
            {
                return s;
            }

            var left = s.Devices.Where(d => d != device).ToArray();
            return left.Length == 0
                ? s with { Replicas = [] }
                : s with { DeviceId = left[0], Replicas = left.Length == 1 ? [] : left };
        }).ToArray();
}
