using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Silo.Protocol.V2;
using Grpc.Core;

namespace EdgeCluster.Silo.Protocol;

/// <summary><c>inference.GRPCInferenceService</c>: the protocol's gRPC binding of <see cref="InferenceProtocolHandler"/>.</summary>
public sealed class GrpcInferenceService(InferenceProtocolHandler handler, ILogger<GrpcInferenceService> logger)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(InferenceProtocolHandler.ServerLive());

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(handler.ServerReady());

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(InferenceProtocolHandler.ServerMetadata());

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        AnswerAsync(nameof(ModelReady), () => handler.ModelReadyAsync(request), context);

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) =>
        AnswerAsync(nameof(ModelMetadata), () => handler.ModelMetadataAsync(request), context);

    public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context) =>
        AnswerAsync(nameof(ModelInfer), () => handler.InferAsync(request, context.CancellationToken), context);

    private async Task<T> AnswerAsync<T>(string method, Func<Task<T>> answer, ServerCallContext context)
    {
        try
        {
            return await answer();
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, $"{method} was cancelled by the caller or its deadline passed."));
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            var kind = ProtocolStatus.KindOf(exception);
            if (kind == EdgeClusterErrorKind.Internal)
            {
                ProtocolLog.Failed(logger, method, exception);
            }

            throw new RpcException(new Status(ProtocolStatus.ToStatusCode(kind), exception.Message));
        }
    }
}
