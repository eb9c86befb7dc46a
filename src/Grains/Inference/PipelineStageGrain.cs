using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Placement;
using EdgeCluster.Grains.Transfer;

namespace EdgeCluster.Grains.Inference;

/// <summary>
/// One stage of a deployment on this device, as Orleans reaches it; the work is the deployment's
/// <see cref="StageRunner"/>, which calls on the activation link reach directly. Reentrant so that requests overlap on one stage.
/// </summary>
[DevicePlacement, Reentrant]
public sealed class PipelineStageGrain(StageRunners runners, ActivationAssembler assembler) : Grain, IPipelineStageGrain
{
    private StageRunner? _runner;

    private StageRunner Runner => _runner ??= runners.For(this.GetPrimaryKeyString().Split('/')[1]);

    public Task<InferenceResult> InferAsync(InferenceRequest request) => Runner.InferAsync(request);

    public Task<InferenceResult> RunAsync(StageRequest request) => Runner.RunAsync(request);

    public Task ReceiveChunkAsync(ActivationChunk chunk)
    {
        assembler.Accept(chunk);
        return Task.CompletedTask;
    }
}
