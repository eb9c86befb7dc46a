using EdgeCluster.Onnx.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace EdgeCluster.Onnx.Tests.Runtime;

public sealed class OnnxRuntimeEnvironmentTests
{
    [Fact]
    public void EnsureInitialized_IsIdempotent()
    {
        OnnxRuntimeEnvironment.EnsureInitialized();
        var threads = OnnxRuntimeEnvironment.IntraOpThreads;
        OnnxRuntimeEnvironment.EnsureInitialized(threads + 3);

        Assert.True(threads > 0);
        Assert.Equal(threads, OnnxRuntimeEnvironment.IntraOpThreads);
        Assert.True(OrtEnv.IsCreated);
        Assert.True(OnnxRuntimeEnvironment.UsesGlobalThreadPool);
    }

    [Fact]
    public void CreateSessionOptions_AppliesOptimizationLevel()
    {
        using var options = OnnxRuntimeEnvironment.CreateSessionOptions(GraphOptimizationLevel.ORT_ENABLE_BASIC);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_BASIC, options.GraphOptimizationLevel);
    }

    [Fact]
    public void EnsureInitialized_RejectsNegativeThreads()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxRuntimeEnvironment.EnsureInitialized(-1));
    }
}
