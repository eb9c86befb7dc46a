namespace EdgeCluster.Grains.Interfaces.Inference;

/// <summary>
/// One stage of one deployment on one device. Key: <see cref="Devices.DeviceGrainKey.Create"/>(device,
/// "deployment/stage"). It runs its shard and calls the next stage directly, so activations go
/// device to device and never back through the caller.
/// </summary>
[Alias("edgecluster.IPipelineStageGrain")]
public interface IPipelineStageGrain : IGrainWithStringKey
{
    /// <summary>Entry point on the origin device: runs stage 0 here, on the device that owns the input.</summary>
    [Alias("infer")]
    Task<InferenceResult> InferAsync(InferenceRequest request);

    /// <summary>Runs this stage on the received tensors and forwards the rest of the pipeline.</summary>
    [Alias("run")]
    Task<InferenceResult> RunAsync(StageRequest request);

    /// <summary>Accepts one piece of a large tensor that a following <see cref="RunAsync"/> on this device will use.</summary>
    [Alias("chunk")]
    Task ReceiveChunkAsync(ActivationChunk chunk);

    static string KeyFor(string device, string deployment, int stage) =>
        Devices.DeviceGrainKey.Create(device, $"{deployment}/{stage}");
}
