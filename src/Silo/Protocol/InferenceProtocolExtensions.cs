using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace EdgeCluster.Silo.Protocol;

/// <summary>The Open Inference Protocol (KServe V2) over gRPC and REST on this silo.</summary>
public static class InferenceProtocolExtensions
{
    /// <summary>Registers the gRPC service, the protocol handler and <see cref="InferenceProtocolOptions"/>.</summary>
    public static WebApplicationBuilder AddInferenceProtocol(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<InferenceProtocolOptions>()
            .BindConfiguration(InferenceProtocolOptions.Section)
            .Validate(o => o.MaxRequestBytes > 0, $"{InferenceProtocolOptions.Section}:{nameof(InferenceProtocolOptions.MaxRequestBytes)} must be positive.")
            .ValidateOnStart();
        services.AddGrpc();
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<InferenceProtocolOptions>>((grpc, protocol) =>
            grpc.MaxReceiveMessageSize = protocol.Value.GrpcMaxReceiveBytes);
        services.AddSingleton<ModelDirectory>();
        services.AddSingleton<InferenceProtocolHandler>();
        return builder;
    }

    /// <summary>Maps <c>inference.GRPCInferenceService</c> and the <c>/v2</c> REST routes.</summary>
    public static WebApplication MapInferenceProtocol(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<InferenceProtocolOptions>>().Value;

        // Kestrel stops unary gRPC bodies at 30 MB before gRPC's own limit applies; lift it to ours.
        app.MapGrpcService<GrpcInferenceService>().WithMetadata(new RequestSizeLimitAttribute(options.GrpcMaxReceiveBytes));
        app.MapRestInference(options.RestMaxBodyBytes);
        return app;
    }
}
