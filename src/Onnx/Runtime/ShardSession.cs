using System.Runtime.InteropServices;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Runtime;

/// <summary>
/// One ONNX Runtime session over in-memory model bytes, running on the process-wide thread pool.
/// <see cref="Run"/> is thread-safe; concurrent calls share the session. Do not dispose while runs are in flight.
/// </summary>
public sealed class ShardSession : IDisposable
{
    private readonly InferenceSession session;
    private readonly HashSet<string> outputNameSet;
    private readonly OutputShapeMemory shapes = new();

    /// <summary>Loads a session from ONNX model bytes; throws <see cref="InvalidModelException"/> if they cannot be loaded.</summary>
    public ShardSession(byte[] model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Length == 0)
        {
            throw new InvalidModelException("The ONNX model could not be loaded: the model bytes are empty.");
        }

        using var options = OnnxRuntimeEnvironment.CreateSessionOptions(level);
        try
        {
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidModelException($"The ONNX model could not be loaded: {e.Message}", e);
        }

        try
        {
            Inputs = TensorSpecs.FromMetadata(session.InputNames, session.InputMetadata);
            Outputs = TensorSpecs.FromMetadata(session.OutputNames, session.OutputMetadata);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        outputNameSet = new HashSet<string>(session.OutputNames, StringComparer.Ordinal);
    }

    /// <summary>Declared graph inputs, in model order.</summary>
    public IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>Declared graph outputs, in model order.</summary>
    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>Loads a session from an ONNX file.</summary>
    public static ShardSession FromFile(string path, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ShardSession(File.ReadAllBytes(path), level);
    }

    /// <summary>
    /// Runs the model. Every declared input must be given exactly once; input bytes are pinned, not copied.
    /// Returns the requested outputs (all, in model order, when <paramref name="outputNames"/> is null) as tensors whose
    /// arrays come from <paramref name="allocateOutput"/> (given an exact byte length), else fresh ones.
    /// </summary>
    public IReadOnlyList<NamedTensor> Run(
        IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames = null, Func<int, byte[]>? allocateOutput = null)
    {
        var ordered = InputValidator.Validate(Inputs, inputs);
        var requested = outputNames ?? session.OutputNames;
        foreach (var name in requested)
        {
            if (!outputNameSet.Contains(name))
            {
                throw new ArgumentException(
                    $"Output '{name}' is not an output of the model; it has {string.Join(", ", Outputs)}.", nameof(outputNames));
            }
        }

        var handles = new GCHandle[ordered.Length];
        var values = new OrtValue[ordered.Length];
        var created = 0;
        try
        {
            var names = new string[ordered.Length];
            for (; created < ordered.Length; created++)
            {
                var tensor = ordered[created];
                names[created] = tensor.Name;
                values[created] = Wrap(tensor, out handles[created]);
            }

            using var runOptions = new RunOptions();
            var known = allocateOutput is null ? null : shapes.Recall(ordered, requested);
            if (known is not null && RunInto(runOptions, names, values, requested, known, allocateOutput!) is { } bound)
            {
                return bound;
            }

            using var results = session.Run(runOptions, names, values, requested);
            var outputs = new NamedTensor[requested.Count];
            var index = 0;
            foreach (var result in results)
            {
                outputs[index] = Copy(requested[index], result, allocateOutput);
                index++;
            }

            if (known is not null)
            {
                shapes.MarkUnbindable();
            }

            // Only runs that can be bound need the shapes: the rest skip the copies on their path.
            if (allocateOutput is not null)
            {
                shapes.Remember(ordered, requested, outputs);
            }

            return outputs;
        }
        finally
        {
            Release(values, handles, created);
        }
    }

    /// <summary>The inputs in model order; throws <see cref="InvalidInputException"/> naming the first that does not fit.</summary>
    public IReadOnlyList<NamedTensor> Validate(IReadOnlyList<NamedTensor> inputs) => InputValidator.Validate(Inputs, inputs);

    /// <inheritdoc />
    public void Dispose() => session.Dispose();

    /// <summary>
    /// Runs with the outputs bound to arrays from <paramref name="allocate"/> in the shapes the last run of these input
    /// shapes produced, so ONNX Runtime writes into them and nothing is copied; null when ONNX Runtime refuses them.
    /// </summary>
    private NamedTensor[]? RunInto(
        RunOptions runOptions, string[] names, OrtValue[] values, IReadOnlyList<string> requested, (TensorElementType Type, long[] Shape)[] known, Func<int, byte[]> allocate)
    {
        var outputs = new NamedTensor[known.Length];
        var handles = new GCHandle[known.Length];
        var bound = new OrtValue[known.Length];
        var created = 0;
        try
        {
            for (; created < known.Length; created++)
            {
                var (type, shape) = known[created];
                var length = checked((int)(ShapeMath.ElementCount(shape) * ShapeMath.ElementSize(type)));
                outputs[created] = new NamedTensor(requested[created], type, shape.ToArray(), Allocate(requested[created], length, allocate));
                bound[created] = Wrap(outputs[created], out handles[created]);
            }

            session.Run(runOptions, names, values, requested, bound);
            return outputs;
        }
        catch (OnnxRuntimeException)
        {
            // Run again unbound: if that succeeds the shapes depend on more than the input shapes, else its error is the real one.
            return null;
        }
        finally
        {
            Release(bound, handles, created);
        }
    }

    /// <summary>Disposes the first <paramref name="count"/> values and unpins the arrays under them.</summary>
    private static void Release(OrtValue[] values, GCHandle[] handles, int count)
    {
        for (var i = 0; i < count; i++)
        {
            values[i].Dispose();
            handles[i].Free();
        }
    }

    private static byte[] Allocate(string name, int length, Func<int, byte[]>? allocate)
    {
        // Every byte is overwritten right away, so the runtime need not zero the array first (activations reach MBs).
        var bytes = allocate?.Invoke(length) ?? GC.AllocateUninitializedArray<byte>(length);
        return bytes.Length == length
            ? bytes
            : throw new InvalidOperationException($"Output '{name}' needs an array of {length} bytes; the allocator gave {bytes.Length}.");
    }

    // Pinning the byte[] and handing ORT the raw pointer is zero-copy for every fixed-size element type,
    // which CreateTensorValueFromMemory<T> cannot do without a typed array.
    private static OrtValue Wrap(NamedTensor tensor, out GCHandle handle)
    {
        handle = GCHandle.Alloc(tensor.Data, GCHandleType.Pinned);
        try
        {
            return OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, tensor.ElementType, tensor.Shape, handle.AddrOfPinnedObject(), tensor.Data.LongLength);
        }
        catch
        {
            handle.Free();
            throw;
        }
    }

    private static NamedTensor Copy(string name, OrtValue value, Func<int, byte[]>? allocate)
    {
        var info = value.GetTensorTypeAndShape();
        var type = info.ElementDataType;
        if (type == TensorElementType.String)
        {
            throw new NotSupportedException($"Output '{name}' is a string tensor; string tensors are not supported.");
        }

        var data = value.GetTensorMutableRawData();

        var bytes = Allocate(name, data.Length, allocate);

        data.CopyTo(bytes);
        return new NamedTensor(name, type, info.Shape, bytes);
    }
}
