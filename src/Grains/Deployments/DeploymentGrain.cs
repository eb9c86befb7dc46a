using System.Diagnostics;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Devices;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Models;
using Microsoft.Extensions.Logging;

namespace EdgeCluster.Grains.Deployments;

/// <summary>
/// Plans a model's split over chosen devices, ships every shard to its device, waits until each
/// device has opened its session, then publishes the route the stages follow.
/// </summary>
public sealed partial class DeploymentGrain(ILogger<DeploymentGrain> logger) : Grain, IDeploymentGrain
{
    private DeploymentStatus? _status;

    private string Name => this.GetPrimaryKeyString();

    public async Task<DeploymentStatus> DeployAsync(DeploymentSpec spec)
    {
        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity("deployment.deploy");
        activity?.SetTag("edgecluster.deployment", Name);
        activity?.SetTag("edgecluster.model", spec.Model);
        var watch = Stopwatch.StartNew();
        ModelNames.Validate(Name, "Deployment");
        var previousVersion = _status?.Route?.Version ?? 0;
        _status = new DeploymentStatus(Name, DeploymentState.Deploying, _status?.Route, null, DateTimeOffset.UtcNow);
        try
        {
            var model = await GrainFactory.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).GetAsync(spec.Model)
                ?? throw EdgeClusterException.NotFound($"Model '{spec.Model}' is not registered; upload it first.");
            var devices = DeviceSelection.Select(spec, await GrainFactory.GetGrain<IDeviceRegistryGrain>(IDeviceRegistryGrain.Key).ListAsync());
            var content = await ModelBlobTransfer.DownloadAsync(GrainFactory, model.Sha256);
            var stages = await Task.Run(() => ShardPlanning.Split(model, content, spec.Stages, devices));

            var routes = new StageRoute[stages.Count];
            for (var i = 0; i < stages.Count; i++)
            {
                var stage = stages[i];
                var sha = await ModelBlobTransfer.UploadAsync(GrainFactory, stage.Model.ModelBytes);
                routes[i] = stage.ToRoute(sha);
            }

            await Task.WhenAll(routes.Select(r =>
                GrainFactory.GetGrain<IModelShardGrain>(IModelShardGrain.KeyFor(r.DeviceId, r.ShardSha256)).EnsureLoadedAsync()));

            var route = new DeploymentRoute(
                Name,
                model.Name,
                previousVersion + 1,
                model.Inputs.Select(i => i.Name).ToArray(),
                model.Outputs.Select(o => o.Name).ToArray(),
                routes);
            _status = new DeploymentStatus(Name, DeploymentState.Ready, route, null, DateTimeOffset.UtcNow);
            await GrainFactory.GetGrain<IDeploymentCatalogGrain>(IDeploymentCatalogGrain.Key).AddAsync(Name);
            LogDeployed(logger, Name, model.Name, routes.Length, string.Join(",", routes.Select(r => r.DeviceId)), watch.Elapsed.TotalMilliseconds);
            return _status;
        }
        catch (Exception exception)
        {
            _status = new DeploymentStatus(Name, DeploymentState.Failed, null, exception.Message, DateTimeOffset.UtcNow);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogDeployFailed(logger, Name, exception.Message);
            throw;
        }
    }

    public Task<DeploymentStatus> GetStatusAsync() =>
        Task.FromResult(_status ?? new DeploymentStatus(Name, DeploymentState.None, null, null, DateTimeOffset.UtcNow));

    public Task<DeploymentRoute> GetRouteAsync() =>
        _status is { State: DeploymentState.Ready, Route: { } route }
            ? Task.FromResult(route)
            : throw EdgeClusterException.NotFound(_status is { State: DeploymentState.Deploying }
                ? $"Model '{Name}' is still being deployed."
                : $"Model '{Name}' is not deployed.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment {Deployment} of {Model}: {Stages} stages on {Devices} in {Milliseconds:F0} ms")]
    private static partial void LogDeployed(ILogger logger, string deployment, string model, int stages, string devices, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {Deployment} failed: {Reason}")]
    private static partial void LogDeployFailed(ILogger logger, string deployment, string reason);
}
