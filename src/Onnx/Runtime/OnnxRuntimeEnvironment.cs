using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace EdgeCluster.Onnx.Runtime;

/// <summary>
/// The process-wide ONNX Runtime environment. Every session shares one global intra-op thread pool:
/// per-session pools keep spinning and two sessions in one process fight for cores (measured 2.5-4.5x slower).
/// </summary>
public static class OnnxRuntimeEnvironment
{
    /// <summary>Environment variable that sets the global intra-op thread count when none is passed.</summary>
    public const string ThreadsVariable = "EDGECLUSTER_ORT_THREADS";

    private static readonly Lock Gate = new();
    private static int threads;
    private static volatile bool globalPool;

    /// <summary>The intra-op thread count of the global pool, or 0 before initialization.</summary>
    public static int IntraOpThreads => Volatile.Read(ref threads);

    /// <summary>
    /// True when sessions share the global thread pool. False only when something used ONNX Runtime before
    /// <see cref="EnsureInitialized"/>, so the environment already existed without global pools; sessions then get
    /// their own non-spinning pools of <see cref="IntraOpThreads"/> threads.
    /// </summary>
    public static bool UsesGlobalThreadPool => globalPool;

    /// <summary>
    /// Creates the process-wide <see cref="OrtEnv"/> with global thread pools, once.
    /// <paramref name="intraOpThreads"/> 0 means <c>EDGECLUSTER_ORT_THREADS</c>, else <see cref="Environment.ProcessorCount"/>.
    /// Later calls (with any thread count) are ignored: the pool cannot be resized after creation.
    /// </summary>
    public static void EnsureInitialized(int intraOpThreads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        if (Volatile.Read(ref threads) != 0)
        {
            return;
        }

        lock (Gate)
        {
            if (threads != 0)
            {
                return;
            }

            var count = intraOpThreads > 0 ? intraOpThreads : ThreadsFromEnvironment();
            globalPool = TryCreateGlobalEnvironment(count);
            Volatile.Write(ref threads, count);
        }
    }

    private static bool TryCreateGlobalEnvironment(int count)
    {
        if (OrtEnv.IsCreated)
        {
            return false;
        }

        try
        {
            using var threadOptions = new OrtThreadingOptions
            {
                GlobalIntraOpNumThreads = count,
                GlobalInterOpNumThreads = 1,
                GlobalSpinControl = false,
            };
            var options = new EnvironmentCreationOptions { threadOptions = threadOptions, logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            OrtEnv.CreateInstanceWithOptions(ref options);
            return true;
        }
        catch (OnnxRuntimeException) when (OrtEnv.IsCreated)
        {
            return false;
        }
    }

    /// <summary>
    /// Session options bound to the global thread pool (initializing the environment if needed), spinning disabled.
    /// Caller disposes.
    /// </summary>
    public static SessionOptions CreateSessionOptions(GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        EnsureInitialized();
        var options = new SessionOptions();
        try
        {
            options.GraphOptimizationLevel = level;
            if (UsesGlobalThreadPool)
            {
                options.DisablePerSessionThreads();
            }
            else
            {
                options.IntraOpNumThreads = IntraOpThreads;
                options.InterOpNumThreads = 1;
            }

            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private static int ThreadsFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Environment.ProcessorCount;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"{ThreadsVariable} must be a positive integer, got '{text}'.");
    }
}
