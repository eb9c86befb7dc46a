using System.Diagnostics;
using EdgeCluster.Grains.Compute;
using EdgeCluster.Grains.Diagnostics;
using EdgeCluster.Grains.Interfaces.Diagnostics;
using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Placement;
using EdgeCluster.Grains.Storage;
using EdgeCluster.Onnx;
using EdgeCluster.Onnx.Runtime;
using Microsoft.Extensions.Logging;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// Holds one shard's session on its device and runs it on the device's compute queue, off the grain turn.
/// Reentrant: ONNX Runtime's Run is thread-safe, so concurrent requests share the one session. The open session is
/// also lent to stages on this silo (<see cref="OpenShardSessions"/>), which then run it without a grain call.
/// </summary>
[DevicePlacement, Reentrant, CollectionAgeLimit(Minutes = 60)]
public sealed partial class ModelShardGrain(
    LocalModelStore store, ShardComputeQueue compute, OpenShardSessions open, ILocalSiloDetails silo, ILogger<ModelShardGrain> logger)
    : Grain, IModelShardGrain
{
    private Task<(SharedShardSession Session, ShardLoadInfo Info)>? _loading;

    private string Sha256 => this.GetPrimaryKeyString()[(silo.Name.Length + 1)..];

    public async Task<ShardLoadInfo> EnsureLoadedAsync() => (await LoadOnceAsync()).Info;

    public async Task<ShardRunResult> RunAsync(TensorPayload[] inputs, string[] outputNames)
    {
        var (shared, _) = await LoadOnceAsync();
        shared.TouchGrain();
        return await ShardExecution.RunAsync(compute, shared.Session, inputs, outputNames);
    }

    public Task UnloadAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_loading is { IsCompletedSuccessfully: true })
        {
            open.Retire(Sha256, _loading.Result.Session);
        }

        return Task.CompletedTask;
    }

    private Task<(SharedShardSession Session, ShardLoadInfo Info)> LoadOnceAsync()
    {
        if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
        {
            _loading = LoadAsync();
        }

        return _loading;
    }

    private async Task<(SharedShardSession, ShardLoadInfo)> LoadAsync()
    {
        using var activity = EdgeClusterDiagnostics.ActivitySource.StartActivity("shard.load");
        activity?.SetTag("edgecluster.device", silo.Name);
        activity?.SetTag("edgecluster.shard", Sha256);
        var watch = Stopwatch.StartNew();
        var content = await store.TryReadAsync(Sha256);
        var fetched = content is null;
        if (content is null)
        {
            content = await ModelBlobTransfer.DownloadAsync(GrainFactory, Sha256);
            await store.WriteAsync(Sha256, content);
        }

        ShardSession session;
        try
        {
            session = await Task.Run(() => new ShardSession(content));
        }
        catch (InvalidModelException exception)
        {
            throw new EdgeClusterException(EdgeClusterErrorKind.InvalidModel, $"Shard {Sha256} on {silo.Name}: {exception.Message}");
        }

        var info = new ShardLoadInfo(silo.Name, Sha256, content.LongLength, fetched, watch.Elapsed.TotalMilliseconds);
        PipelineMetrics.ShardLoadTime.Record(info.LoadMilliseconds, new KeyValuePair<string, object?>("device", silo.Name));
        LogLoaded(logger, Sha256, silo.Name, content.LongLength, info.LoadMilliseconds);
        return (open.Open(Sha256, session), info);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Sha256} loaded on {DeviceId}: {Bytes} bytes in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string sha256, string deviceId, long bytes, double milliseconds);
}
