using System.Reflection;
using EdgeCluster.Grains.Failover;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Silo.Protocol.V2;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Silo.Protocol;

/// <summary>
/// The Open Inference Protocol on this silo, independent of transport: gRPC and REST both call it.
/// A request enters the pipeline here, on this device, so stage 0 runs where the input arrived.
/// Failures are <see cref="EdgeClusterException"/>s whose kind the transports map to status codes.
/// </summary>
public sealed class InferenceProtocolHandler(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    ModelDirectory models,
    IOptions<InferenceProtocolOptions> options)
{
    public const string ServerName = "edgecluster";

    /// <summary>The one version every model has: redeploying replaces a model rather than adding a version.</summary>
    public const string ModelVersion = "1";

    /// <summary>Triton's name for ONNX Runtime models.</summary>
    public const string Platform = "onnxruntime_onnx";

    private static readonly string ServerVersion =
        typeof(InferenceProtocolHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static ServerLiveResponse ServerLive() => new() { Live = true };

    /// <summary>Ready once this silo is an active member of the cluster: then it can route requests.</summary>
    public ServerReadyResponse ServerReady() => new() { Ready = membership.IsActive(silo.Name) };

    public static ServerMetadataResponse ServerMetadata() => new() { Name = ServerName, Version = ServerVersion };

    /// <summary>Ready when the deployment is ready and every device of a later stage is an active member (stage 0 runs here).</summary>
    public async Task<ModelReadyResponse> ModelReadyAsync(ModelReadyRequest request)
    {
        var entry = await FindAsync(request.Name, request.Version);
        return new ModelReadyResponse { Ready = UnavailableReason(entry) is null };
    }

    public async Task<ModelMetadataResponse> ModelMetadataAsync(ModelMetadataRequest request)
    {
        var entry = await FindAsync(request.Name, request.Version);
        var model = entry.Model ?? throw EdgeClusterException.NotFound(
            $"Model '{entry.Name}' is deployed but its registration is gone; register the model again.");
        var response = new ModelMetadataResponse { Name = entry.Name, Platform = Platform };
        response.Versions.Add(ModelVersion);
        response.Inputs.AddRange(model.Inputs.Select(ModelSignatures.ToMetadata));
        response.Outputs.AddRange(model.Outputs.Select(ModelSignatures.ToMetadata));
        return response;
    }

    public async Task<ModelInferResponse> InferAsync(ModelInferRequest request, CancellationToken cancellationToken)
    {
        InferRequestReader.CheckSize(request, options.Value.MaxRequestBytes);
        var entry = await FindAsync(request.ModelName, request.ModelVersion);
        if (UnavailableReason(entry) is { } reason)
        {
            throw EdgeClusterException.Unavailable(reason);
        }

        var model = entry.Model ?? throw EdgeClusterException.NotFound(
            $"Model '{entry.Name}' is deployed but its registration is gone; register the model again.");
        var inputs = InferRequestReader.Read(request, model);
        var requestId = request.Id is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N");
        var stage0 = grains.GetGrain<IPipelineStageGrain>(IPipelineStageGrain.KeyFor(silo.Name, entry.Name, 0));

        // The grain call carries no token: a cancelled caller stops waiting while the pipeline finishes on its own.
        var result = await stage0
            .InferAsync(new InferenceRequest(requestId, entry.Name, silo.Name, inputs.Tensors, inputs.OutputNames))
            .WaitAsync(cancellationToken);
        return InferResponseWriter.Write(entry.Name, ModelVersion, silo.Name, result, inputs.UsedRawContents);
    }

    private async Task<ModelEntry> FindAsync(string name, string version)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw EdgeClusterException.InvalidArgument("The model name is empty.");
        }

        var entry = await models.FindAsync(name) ?? throw EdgeClusterException.NotFound(
            $"Model '{name}' is not deployed on this fleet (deploy it first; model names are deployment names).");
        if (version.Length > 0 && version != ModelVersion)
        {
            throw EdgeClusterException.NotFound($"Model '{name}' has no version '{version}'; its only version is '{ModelVersion}'.");
        }

        return entry;
    }

    private string? UnavailableReason(ModelEntry entry)
    {
        var deployment = entry.Deployment;
        if (deployment is not { State: DeploymentState.Ready, Route: { } route })
        {
            return deployment.State == DeploymentState.Failed
                ? $"Model '{entry.Name}' is not ready: its last deployment failed ({deployment.Error})."
                : $"Model '{entry.Name}' is not ready: its deployment is {deployment.State}.";
        }

        if (!membership.IsActive(silo.Name))
        {
            return $"Device '{silo.Name}' is not an active member of the fleet yet, so it cannot run stage 0 of model '{entry.Name}'.";
        }

        var gone = route.Stages.Skip(1).FirstOrDefault(stage => !membership.IsActive(stage.DeviceId));
        return gone is null
            ? null
            : $"Stage {gone.Index} of model '{entry.Name}' runs on device '{gone.DeviceId}', which is not an active member of the fleet " +
              $"(active: {string.Join(", ", membership.ActiveDevices().Order(StringComparer.Ordinal))}); no device can run it until the model is deployed again.";
    }
}
