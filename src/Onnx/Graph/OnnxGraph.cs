using EdgeCluster.Onnx.Tensors;
using Google.Protobuf;
using Onnx;

namespace EdgeCluster.Onnx.Graph;

/// <summary>
/// A parsed ONNX model with its top-level nodes in a stable topological order.
/// <see cref="Model"/> is shared, not copied: treat it as read-only.
/// </summary>
public sealed class OnnxGraph
{
    private readonly Dictionary<string, GraphNode> producers;
    private readonly HashSet<string> rawInputNames;
    private byte[]? bytes;

    private OnnxGraph(ModelProto model, string name, byte[]? bytes)
    {
        Model = model;
        Name = name;
        this.bytes = bytes;
        var graph = model.Graph;

        OpsetImports = model.OpsetImport.Select(o => new OpsetImport(o.Domain, o.Version)).ToArray();
        DefaultOpsetVersion = (int)(OpsetImports.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0);

        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer)
        {
            if (!initializers.TryAdd(initializer.Name, initializer))
            {
                throw new InvalidModelException($"Initializer '{initializer.Name}' is defined more than once.");
            }
        }

        Initializers = initializers;
        SparseInitializerNames = graph.SparseInitializer.Select(s => s.Values.Name).ToHashSet(StringComparer.Ordinal);

        // IR < 4 models were required to list every initializer as a graph input too; those are weights, not data.
        Inputs = graph.Input
            .Where(i => !initializers.ContainsKey(i.Name) && !SparseInitializerNames.Contains(i.Name))
            .Select(i => ValueInfos.ToSpec(i, "input"))
            .ToArray();
        rawInputNames = Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        Outputs = graph.Output.Select(OutputSpec).ToArray();

        var declared = new Dictionary<string, ValueInfoProto>(StringComparer.Ordinal);
        foreach (var value in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
        {
            declared.TryAdd(value.Name, value);
        }

        DeclaredValues = declared;

        var external = new HashSet<string>(rawInputNames, StringComparer.Ordinal);
        external.UnionWith(initializers.Keys);
        external.UnionWith(SparseInitializerNames);
        Nodes = TopologicalSorter.Sort(graph, external);

        producers = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        foreach (var node in Nodes)
        {
            foreach (var output in node.Outputs)
            {
                producers[output] = node;
            }
        }

        foreach (var output in Outputs)
        {
            if (!producers.ContainsKey(output.Name) && !external.Contains(output.Name))
            {
                throw new InvalidModelException($"Graph output '{output.Name}' is not produced by any node.");
            }
        }
    }

    /// <summary>The parsed model (shared; do not mutate).</summary>
    public ModelProto Model { get; }

    /// <summary>The file name without extension when loaded from a file, else the graph name, else "model".</summary>
    public string Name { get; }

    public long IrVersion => Model.IrVersion;

    public IReadOnlyList<OpsetImport> OpsetImports { get; }

    /// <summary>The opset version of the default (ai.onnx) domain; 0 when the model imports none.</summary>
    public int DefaultOpsetVersion { get; }

    /// <summary>Graph inputs that are not initializers: the data the caller must supply.</summary>
    public IReadOnlyList<TensorSpec> Inputs { get; }

    public IReadOnlyList<TensorSpec> Outputs { get; }

    public IReadOnlyDictionary<string, TensorProto> Initializers { get; }

    public IReadOnlySet<string> SparseInitializerNames { get; }

    /// <summary>Declared types by tensor name, from graph inputs, value_info and graph outputs (first wins).</summary>
    public IReadOnlyDictionary<string, ValueInfoProto> DeclaredValues { get; }

    /// <summary>Top-level nodes in topological order (Kahn's, preferring file order).</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>The node writing <paramref name="tensor"/>, or null for inputs, initializers and unknown names.</summary>
    public GraphNode? Producer(string tensor) => producers.GetValueOrDefault(tensor);

    public bool IsRawInput(string name) => rawInputNames.Contains(name);

    public bool IsInitializer(string name) => Initializers.ContainsKey(name) || SparseInitializerNames.Contains(name);

    /// <summary>The serialized model (the original bytes when loaded from bytes or a file).</summary>
    public byte[] ToBytes() => bytes ??= Model.ToByteArray();

    public static OnnxGraph Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"ONNX model file '{path}' does not exist.", path);
        }

        return Load(File.ReadAllBytes(path), Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses model bytes; throws <see cref="InvalidModelException"/> naming what is wrong with them.</summary>
    public static OnnxGraph Load(byte[] bytes, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
        {
            throw new InvalidModelException("The ONNX model is empty (0 bytes).");
        }

        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidModelException(
                $"The {bytes.Length} bytes are not a valid ONNX model (corrupt or truncated protobuf): {e.Message}", e);
        }

        return FromModel(model, name, bytes);
    }

    /// <summary>Wraps an already parsed model (not copied).</summary>
    public static OnnxGraph FromModel(ModelProto model, string? name = null) => FromModel(model, name, null);

    private static OnnxGraph FromModel(ModelProto model, string? name, byte[]? bytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Graph is null)
        {
            throw new InvalidModelException(
                $"The ONNX model has no graph (ir_version {model.IrVersion}, {model.OpsetImport.Count} opset imports); the bytes are probably not an ONNX model.");
        }

        if (model.IrVersion <= 0 || model.OpsetImport.Count == 0)
        {
            throw new InvalidModelException(
                $"The ONNX model declares ir_version {model.IrVersion} and {model.OpsetImport.Count} opset imports; a valid model needs both.");
        }

        var graphName = string.IsNullOrEmpty(model.Graph.Name) ? "model" : model.Graph.Name;
        if (model.Graph.Node.Count == 0)
        {
            throw new InvalidModelException($"The ONNX graph '{graphName}' has no nodes.");
        }

        if (model.Graph.Output.Count == 0)
        {
            throw new InvalidModelException($"The ONNX graph '{graphName}' has no outputs.");
        }

        return new OnnxGraph(model, string.IsNullOrEmpty(name) ? graphName : name, bytes);
    }

    private static TensorSpec OutputSpec(ValueInfoProto output) =>
        ValueInfos.TryRead(output, out var type, out var shape)
            ? new TensorSpec(output.Name, type, shape ?? [])
            : throw new InvalidModelException($"Graph output '{output.Name}' does not declare a tensor element type.");
}
