using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Bench;

/// <summary>What one baseline process measured: the whole ResNet18 in ONNX Runtime, closed loop.</summary>
public sealed record BaselineThroughput(double RequestsPerSecond, int OrtThreads, int Concurrency, int Processors);

/// <summary>The whole model in this process's ONNX Runtime, driven closed-loop by dedicated threads.</summary>
public static class BaselineWorker
{
    public static BaselineThroughput Run(int concurrency, TimeSpan warmup, TimeSpan window)
    {
        using var session = ShardSession.FromFile(ResNet18.ModelPath);
        var input = DeterministicInputs.Create(session.Inputs, seed: 0);
        session.Run(input);
        var rps = ClosedLoop.RequestsPerSecond(() => session.Run(input), concurrency, warmup, window);
        return new BaselineThroughput(rps, OnnxRuntimeEnvironment.IntraOpThreads, concurrency, Environment.ProcessorCount);
    }
}
