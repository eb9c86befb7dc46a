namespace EdgeCluster.Silo.Protocol;

/// <summary>The Open Inference Protocol (KServe V2) over gRPC and REST on this silo.</summary>
public static class InferenceProtocolExtensions
{
    public static WebApplicationBuilder AddInferenceProtocol(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapInferenceProtocol(this WebApplication app) => app;
}
