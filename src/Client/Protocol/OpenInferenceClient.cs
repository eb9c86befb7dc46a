using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Silo.Protocol;
using EdgeCluster.Silo.Protocol.V2;
using Grpc.Core;
using Grpc.Net.Client;
using Polly;
using Polly.Retry;

namespace EdgeCluster.Client.Protocol;

/// <summary>
/// A typed client of one silo's Open Inference Protocol gRPC endpoint. The request enters the pipeline at
/// that silo, so its device runs stage 0. Calls that fail with Unavailable are repeated; every call has a
/// deadline; failures surface as <see cref="EdgeClusterException"/> with the kind of the status code.
/// </summary>
public sealed class OpenInferenceClient : IInferenceClient, IDisposable
{
    private readonly OpenInferenceClientOptions _options;
    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _grpc;
    private readonly ResiliencePipeline _retry;

    public OpenInferenceClient(OpenInferenceClientOptions options)
    {
        _options = options;
        _channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions { MaxReceiveMessageSize = options.MaxReceiveMessageBytes });
        _grpc = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        _retry = options.MaxRetries <= 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(e => e.StatusCode == StatusCode.Unavailable),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    public Uri Endpoint => _options.Endpoint;

    public Task<bool> IsServerLiveAsync(CancellationToken cancellationToken = default) =>
        CallAsync(async call => (await _grpc.ServerLiveAsync(new ServerLiveRequest(), call)).Live, cancellationToken);

    public Task<bool> IsServerReadyAsync(CancellationToken cancellationToken = default) =>
        CallAsync(async call => (await _grpc.ServerReadyAsync(new ServerReadyRequest(), call)).Ready, cancellationToken);

    public Task<bool> IsModelReadyAsync(string model, CancellationToken cancellationToken = default) =>
        CallAsync(async call => (await _grpc.ModelReadyAsync(new ModelReadyRequest { Name = model }, call)).Ready, cancellationToken);

    /// <summary>The server's name, version and protocol extensions.</summary>
    public Task<ServerMetadataResponse> GetServerMetadataAsync(CancellationToken cancellationToken = default) =>
        CallAsync(async call => await _grpc.ServerMetadataAsync(new ServerMetadataRequest(), call), cancellationToken);

    public Task<ModelSignature> GetSignatureAsync(string model, CancellationToken cancellationToken = default) =>
        CallAsync(async call => ProtocolTensors.ToSignature(await _grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = model }, call)), cancellationToken);

    public async Task<InferenceOutcome> InferAsync(
        string model,
        IReadOnlyList<NamedTensor> inputs,
        IReadOnlyList<string>? outputNames = null,
        string? requestId = null,
        CancellationToken cancellationToken = default)
    {
        var request = ProtocolTensors.ToRequest(model, inputs, outputNames, requestId ?? Guid.NewGuid().ToString("N"), _options.RawContents);
        var response = await CallAsync(async call => await _grpc.ModelInferAsync(request, call), cancellationToken);
        return new InferenceOutcome(
            response.Id,
            StringParameter(response, InferResponseWriter.DeviceParameter) ?? string.Empty,
            ProtocolTensors.ReadOutputs(response),
            StringParameter(response, InferResponseWriter.TraceIdParameter),
            []);
    }

    public void Dispose() => _channel.Dispose();

    private static string? StringParameter(ModelInferResponse response, string name) =>
        response.Parameters.TryGetValue(name, out var parameter) && parameter.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.StringParam
            ? parameter.StringParam
            : null;

    private async Task<T> CallAsync<T>(Func<CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        // One deadline for all attempts: retries must not stretch a call past what the caller allowed.
        var deadline = DateTime.UtcNow + _options.Timeout;
        var attempts = 0;
        RpcException? unavailable = null;
        try
        {
            return await _retry.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    try
                    {
                        return await call(new CallOptions(deadline: deadline, cancellationToken: token));
                    }
                    catch (RpcException exception) when (exception.StatusCode == StatusCode.Unavailable)
                    {
                        unavailable = exception;
                        throw;
                    }
                },
                cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.DeadlineExceeded)
        {
            throw new EdgeClusterException(
                EdgeClusterErrorKind.Unavailable, $"{_options.Endpoint} did not answer within {_options.Timeout.TotalMilliseconds:F0} ms.", exception);
        }
        catch (RpcException exception)
        {
            // A request that entered the pipeline before failing is refused as a duplicate when repeated under its id;
            // the failure that caused the repeat is the one worth reporting.
            var reported = exception.StatusCode == StatusCode.FailedPrecondition && unavailable is not null ? unavailable : exception;
            var kind = ProtocolStatus.FromStatusCode(reported.StatusCode);
            var message = kind == EdgeClusterErrorKind.Unavailable && reported.Status.DebugException is { } cause
                ? $"{_options.Endpoint} is unavailable: {cause.Message}"
                : reported.Status.Detail;
            throw new EdgeClusterException(kind, attempts > 1 ? $"{message} (after {attempts} attempts)" : message, reported);
        }
    }
}
