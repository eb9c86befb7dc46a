using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;

namespace EdgeCluster.Grains.Failover;

/// <summary>
/// One stage's view of its deployment's routes: the newest one for requests entering at the origin, and the
/// exact version a request travels under for every later stage, so a re-plan never mixes two layouts. Safe to use
/// from several threads at once.
/// </summary>
public sealed class StageRoutes(IGrainFactory grains, string deployment)
{
    // The entry stage has no version to compare against, so it re-reads the newest route at most this often.
    public static readonly TimeSpan LatestRefresh = TimeSpan.FromSeconds(1);

    private const int VersionsKept = 16;

    private readonly Lock _lock = new();
    private readonly Dictionary<int, DeploymentRoute> _byVersion = [];
    private DeploymentRoute? _latest;
    private long _latestReadAt;

    private IDeploymentGrain Deployment => grains.GetGrain<IDeploymentGrain>(deployment);

    public async Task<DeploymentRoute> LatestAsync(bool refresh = false)
    {
        lock (_lock)
        {
            if (!refresh && _latest is not null && Stopwatch.GetElapsedTime(_latestReadAt) <= LatestRefresh)
            {
                return _latest;
            }
        }

        var read = await StageCallRetry.RouteReads.ExecuteAsync(async _ => await Deployment.GetRouteAsync());
        lock (_lock)
        {
            RememberLocked(read);
            _latestReadAt = Stopwatch.GetTimestamp();
            return _latest!;
        }
    }

    public async Task<DeploymentRoute> VersionAsync(int version)
    {
        DeploymentRoute? route;
        lock (_lock)
        {
            if (_byVersion.TryGetValue(version, out route))
            {
                return route;
            }
        }

        try
        {
            route = await StageCallRetry.RouteReads.ExecuteAsync(async _ => await Deployment.GetRouteVersionAsync(version));
        }
        catch (EdgeClusterException exception) when (exception.Kind == EdgeClusterErrorKind.NotFound)
        {
            throw new RouteChangedException($"Route version {version} of '{deployment}' is no longer kept: {exception.Message}");
        }

        Remember(route);
        return route;
    }

    /// <summary>Records a route the deployment handed out, e.g. after a repair.</summary>
    public void Remember(DeploymentRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        lock (_lock)
        {
            RememberLocked(route);
        }
    }

    private void RememberLocked(DeploymentRoute route)
    {
        _byVersion[route.Version] = route;
        if (_latest is null || route.Version > _latest.Version)
        {
            _latest = route;
            _latestReadAt = Stopwatch.GetTimestamp();
        }

        if (_byVersion.Count > VersionsKept)
        {
            _byVersion.Remove(_byVersion.Keys.Min());
        }
    }
}
