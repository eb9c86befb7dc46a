using System.Diagnostics;
using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Models;
using Microsoft.Extensions.Logging;

namespace EdgeCluster.Grains.Deployments;

/// <summary>
/// Plans a model's split over chosen devices, ships every shard to its device, waits until each device has
/// opened its session, then publishes the route the stages follow. When a stage's device leaves the cluster
/// (noticed by watching membership, or reported by a stage whose call failed) the stage moves to a surviving
/// device with room for it, or the model is re-planned; each change publishes a new route version. The
/// deployment lives in the fleet storage, so it survives the loss of the silo that held it.
/// </summary>
public sealed partial class DeploymentGrain(
    [PersistentState("deployment", FleetStorage.Name)] IPersistentState<DeploymentRecord> record,
    IClusterMembershipService membership,
    ILogger<DeploymentGrain> logger) : Grain, IDeploymentGrain
{
    private const int RoutesKept = 16;

    private static readonly TimeSpan MembershipCheck = TimeSpan.FromMilliseconds(500);

    private bool _deploying;

    private string Name => this.GetPrimaryKeyString();

    private DeploymentRecord State => record.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(WatchMembershipAsync, MembershipCheck, MembershipCheck);
        return Task.CompletedTask;
    }

    public async Task<DeploymentStatus> DeployAsync(DeploymentSpec spec)
    {
        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity("deployment.deploy");
        activity?.SetTag("edgecluster.deployment", Name);
        activity?.SetTag("edgecluster.model", spec.Model);
        var watch = Stopwatch.StartNew();
        ModelNames.Validate(Name, "Deployment");
        _deploying = true;
        try
        {
            var (model, stages) = await PlanAsync(spec);
            await PublishAsync(spec, new DeploymentRoute(
                Name, model.Name, NextVersion, model.Inputs.Select(i => i.Name).ToArray(), model.Outputs.Select(o => o.Name).ToArray(), stages));
            await GrainFactory.GetGrain<IDeploymentCatalogGrain>(IDeploymentCatalogGrain.Key).AddAsync(Name);
            LogDeployed(logger, Name, model.Name, stages.Length, string.Join(",", stages.Select(r => r.DeviceId)), watch.Elapsed.TotalMilliseconds);

            // Cleared before Status() reads it: the deployment is ready now, not still deploying.
            _deploying = false;
            return Status();
        }
        catch (Exception exception)
        {
            State.Spec ??= spec;
            State.State = DeploymentState.Failed;
            State.Error = exception.Message;
            State.UpdatedAt = DateTimeOffset.UtcNow;
            await record.WriteStateAsync();
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogDeployFailed(logger, Name, exception.Message);
            throw;
        }
        finally
        {
            _deploying = false;
        }
    }

    public Task<DeploymentStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<DeploymentRoute> GetRouteAsync() => Task.FromResult(ReadyRoute());

    public Task<DeploymentRoute> GetRouteVersionAsync(int version) =>
        State.Routes.FirstOrDefault(r => r.Version == version) is { } route
            ? Task.FromResult(route)
            : throw EdgeClusterException.NotFound($"Route version {version} of '{Name}' is not kept (kept: {string.Join(", ", State.Routes.Select(r => r.Version))}).");

    public async Task<DeploymentRoute> RepairAsync(string unreachableDevice)
    {
        var route = ReadyRoute();
        return membership.IsActive(unreachableDevice) ? route : await RelocateAsync(unreachableDevice, "left the cluster");
    }

    public async Task<DeploymentRoute> EvacuateAsync(string deviceId)
    {
        ReadyRoute();
        return await RelocateAsync(deviceId, "is leaving");
    }

    public async Task<DeploymentStatus> RebalanceAsync()
    {
        var current = ReadyRoute();
        var spec = State.Spec! with { Devices = [] };
        var watch = Stopwatch.StartNew();
        var (model, stages) = await PlanAsync(spec);
        await PublishAsync(spec, current with { Model = model.Name, Version = NextVersion, Stages = stages });
        LogRebalanced(logger, Name, string.Join(",", stages.Select(r => r.DeviceId)), watch.Elapsed.TotalMilliseconds);
        return Status();
    }

    public async Task<DeploymentStatus> ScaleAsync(int stage, int replicas)
    {
        var current = ReadyRoute();
        if (stage < 1 || stage >= current.Stages.Length)
        {
            throw EdgeClusterException.InvalidArgument(
                $"Stage {stage} of '{Name}' cannot be scaled: it has stages 0-{current.Stages.Length - 1}, and stage 0 runs on each request's origin device.");
        }

        var scaled = ReplicaPlacement.WithReplicas(current.Stages, stage, replicas, await LiveDevicesAsync());
        var before = current.Stages[stage].Devices;

        // New replicas open their session before any request can reach them; removed ones finish what they hold, then unload.
        await DeploymentBuilder.LoadAsync(GrainFactory, scaled.Devices.Except(before, StringComparer.Ordinal).Select(d => scaled with { DeviceId = d }));
        var stages = current.Stages.ToArray();
        stages[stage] = scaled;
        var next = current with { Version = NextVersion, Stages = stages };
        await PublishAsync(State.Spec!, next);
        LogScaled(logger, Name, stage, string.Join(",", scaled.Devices), next.Version);
        var removed = before.Except(scaled.Devices, StringComparer.Ordinal).ToArray();
        if (removed.Length > 0)
        {
            IGrainTimer? timer = null;
            timer = this.RegisterGrainTimer(
                async (CancellationToken _) =>
                {
                    timer?.Dispose();
                    await RetireAsync(State.Latest!, stage, scaled.ShardSha256, removed);
                },
                ReplicaRetirement.Grace,
                Timeout.InfiniteTimeSpan);
        }

        return Status();
    }

    private async Task RetireAsync(DeploymentRoute route, int stage, string shardSha256, string[] removed)
    {
        try
        {
            var retired = await ReplicaRetirement.UnloadAsync(GrainFactory, route, shardSha256, removed);
            LogRetired(logger, Name, stage, string.Join(",", retired));
        }
        catch (Exception exception)
        {
            LogRetireFailed(logger, exception, Name, stage);
        }
    }

    private int NextVersion => (State.Latest?.Version ?? 0) + 1;

    private DeploymentRoute ReadyRoute() =>
        State is { State: DeploymentState.Ready, Latest: { } route }
            ? route
            : throw EdgeClusterException.NotFound(_deploying
                ? $"Model '{Name}' is still being deployed."
                : $"Model '{Name}' is not deployed.");

    private DeploymentStatus Status() => _deploying
        ? new DeploymentStatus(Name, DeploymentState.Deploying, State.Latest, null, DateTimeOffset.UtcNow)
        : new DeploymentStatus(Name, State.State, State.State == DeploymentState.Failed ? null : State.Latest, State.Error, State.UpdatedAt);

    private async Task<(ModelInfo Model, StageRoute[] Stages)> PlanAsync(DeploymentSpec spec)
    {
        var model = await GrainFactory.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).GetAsync(spec.Model)
            ?? throw EdgeClusterException.NotFound($"Model '{spec.Model}' is not registered; upload it first.");
        var live = await LiveDevicesAsync();
        var devices = DeviceSelection.Select(spec, live);
        var stages = ReplicaPlacement.Assign(await DeploymentBuilder.BuildAsync(GrainFactory, model, spec, devices), spec, live);
        await DeploymentBuilder.LoadAsync(GrainFactory, stages.SelectMany(s => s.Devices.Skip(1).Select(d => s with { DeviceId = d })));
        return (model, stages);
    }

    /// <summary>Devices that are active members and not themselves stopping (when the whole fleet stops, nothing moves).</summary>
    private async Task<DeviceInfo[]> LiveDevicesAsync()
    {
        var listed = (await GrainFactory.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).ListAsync())
            .Where(d => membership.IsActive(d.DeviceId))
            .ToArray();
        var staying = await Task.WhenAll(listed.Select(async d =>
        {
            try
            {
                return !await GrainFactory.GetGrain<IDeviceDescriptionGrain>(IDeviceDescriptionGrain.KeyFor(d.DeviceId)).IsDrainingAsync();
            }
            catch (Exception exception) when (DeviceFailures.IsTransport(exception) || exception is EdgeClusterException)
            {
                return false;
            }
        }));
        return listed.Where((_, i) => staying[i]).ToArray();
    }

    private async Task PublishAsync(DeploymentSpec spec, DeploymentRoute route)
    {
        State.Spec = spec;
        State.State = DeploymentState.Ready;
        State.Error = null;
        State.UpdatedAt = DateTimeOffset.UtcNow;
        State.Routes.Add(route);
        if (State.Routes.Count > RoutesKept)
        {
            State.Routes.RemoveRange(0, State.Routes.Count - RoutesKept);
        }

        await record.WriteStateAsync();
    }

    /// <summary>Moves every stage of <paramref name="device"/> to other live devices (re-planning when none has room) and publishes the new route.</summary>
    private async Task<DeploymentRoute> RelocateAsync(string device, string reason)
    {
        var route = State.Latest!;
        if (route.Stages.All(s => !s.Devices.Contains(device, StringComparer.Ordinal)))
        {
            return route;
        }

        // A replica that leaves just leaves the rotation: the stage's other replicas already run it.
        var pruned = ReplicaPlacement.WithoutDevice(route.Stages, device);
        if (pruned.All(s => s.DeviceId != device))
        {
            var smaller = route with { Version = NextVersion, Stages = pruned };
            await PublishAsync(State.Spec!, smaller);
            LogRelocated(logger, Name, device, reason, string.Join(",", smaller.Stages.Select(s => string.Join("+", s.Devices))), smaller.Version, 0);
            return smaller;
        }

        route = route with { Stages = pruned };

        var watch = Stopwatch.StartNew();
        var excluded = new HashSet<string>(StringComparer.Ordinal) { device };
        while (true)
        {
            var candidates = (await LiveDevicesAsync()).Where(d => !excluded.Contains(d.DeviceId)).ToArray();
            if (candidates.Length == 0)
            {
                throw EdgeClusterException.Unavailable($"Device '{device}' {reason} and no other device is left to run the stages of '{Name}'.");
            }

            var moved = StagePlacement.Replace(route, device, candidates);
            try
            {
                DeploymentRoute next;
                if (moved is not null)
                {
                    await DeploymentBuilder.LoadAsync(GrainFactory, moved.Where((s, i) => s.DeviceId != route.Stages[i].DeviceId));
                    next = route with { Version = NextVersion, Stages = moved };
                }
                else
                {
                    var ids = candidates.Select(d => d.DeviceId).ToArray();
                    var (_, stages) = await PlanAsync(State.Spec! with
                    {
                        Devices = ids,
                        Origins = [.. State.Spec!.Origins.Where(ids.Contains)],
                        Replicas = Math.Min(State.Spec!.Replicas, ids.Length),
                    });
                    next = route with { Version = NextVersion, Stages = stages };
                }

                await PublishAsync(State.Spec!, next);
                LogRelocated(logger, Name, device, reason, string.Join(",", next.Stages.Select(s => s.DeviceId)), next.Version, watch.Elapsed.TotalMilliseconds);
                return next;
            }
            catch (Exception exception) when (exception is not EdgeClusterException { Kind: EdgeClusterErrorKind.InvalidModel or EdgeClusterErrorKind.FailedPrecondition })
            {
                // A chosen device failed while loading: leave it out and choose again.
                var failed = candidates.Select(d => d.DeviceId).Where(d => !membership.IsActive(d)).ToArray();
                if (failed.Length == 0)
                {
                    throw;
                }

                excluded.UnionWith(failed);
            }
        }
    }

    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        if (_deploying || State is not { State: DeploymentState.Ready, Latest: { } route })
        {
            return;
        }

        foreach (var device in route.Stages.SelectMany(s => s.Devices).Distinct(StringComparer.Ordinal).Where(d => !membership.IsActive(d)).ToArray())
        {
            try
            {
                await RelocateAsync(device, "left the cluster");
            }
            catch (Exception exception)
            {
                LogRelocateFailed(logger, Name, device, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment {Deployment} of {Model}: {Stages} stages on {Devices} in {Milliseconds:F0} ms")]
    private static partial void LogDeployed(ILogger logger, string deployment, string model, int stages, string devices, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {Deployment} failed: {Reason}")]
    private static partial void LogDeployFailed(ILogger logger, string deployment, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {Deployment}: device {Device} {Reason}; stages now on {Devices} (version {Version}) after {Milliseconds:F0} ms")]
    private static partial void LogRelocated(ILogger logger, string deployment, string device, string reason, string devices, int version, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deployment {Deployment}: could not move the stages of device {Device}")]
    private static partial void LogRelocateFailed(ILogger logger, string deployment, string device, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment {Deployment}: stage {Stage} now on {Devices} (version {Version})")]
    private static partial void LogScaled(ILogger logger, string deployment, int stage, string devices, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment {Deployment}: stage {Stage} unloaded from removed replicas {Devices}")]
    private static partial void LogRetired(ILogger logger, string deployment, int stage, string devices);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {Deployment}: removed replicas of stage {Stage} stay loaded; unloading them failed")]
    private static partial void LogRetireFailed(ILogger logger, Exception exception, string deployment, int stage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment {Deployment} rebalanced onto {Devices} in {Milliseconds:F0} ms")]
    private static partial void LogRebalanced(ILogger logger, string deployment, string devices, double milliseconds);
}
