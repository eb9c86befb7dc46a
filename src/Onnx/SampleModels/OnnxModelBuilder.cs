using EdgeCluster.Onnx.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace EdgeCluster.Onnx.SampleModels;

/// <summary>
/// Small helper for building ONNX models in code (default opset 17, IR version 8).
/// Graph inputs and outputs get typed, shaped ValueInfo; intermediates get none on purpose.
/// </summary>
public sealed class OnnxModelBuilder
{
    private readonly GraphProto graph;
    private readonly int seed;
    private readonly int opset;
    private readonly HashSet<string> nodeNames = new(StringComparer.Ordinal);

    /// <summary>Starts an empty graph; <paramref name="seed"/> fixes every random weight.</summary>
    public OnnxModelBuilder(string graphName, int seed, int opset = 17)
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        graph = new GraphProto { Name = graphName };
        this.seed = seed;
        this.opset = opset;
    }

    /// <summary>Declares a graph input. Dimensions are <see cref="long"/> sizes or <see cref="string"/> symbols.</summary>
    public string AddInput(string name, TensorElementType type, params object[] dims)
    {
        graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares a graph output. Dimensions are <see cref="long"/> sizes or <see cref="string"/> symbols.</summary>
    public string AddOutput(string name, TensorElementType type, params object[] dims)
    {
        graph.Output.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Adds a float initializer with the given values.</summary>
    public string AddFloats(string name, long[] dims, params float[] values)
    {
        var tensor = Tensor(name, TensorElementType.Float, dims, values.LongLength);
        tensor.FloatData.AddRange(values);
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 initializer with the given values.</summary>
    public string AddInt64s(string name, long[] dims, params long[] values)
    {
        var tensor = Tensor(name, TensorElementType.Int64, dims, values.LongLength);
        tensor.Int64Data.AddRange(values);
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a float initializer uniform in [-scale, scale), seeded by the builder seed and the name.</summary>
    public string AddRandom(string name, long[] dims, double scale)
    {
        var random = SplitMix64.ForName(seed, name);
        var values = new float[ShapeMath.ElementCount(dims)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextSigned() * scale);
        }

        return AddFloats(name, dims, values);
    }

    /// <summary>Adds a weight scaled for <paramref name="fanIn"/> inputs (variance 1/fanIn) so activations stay O(1).</summary>
    public string AddWeight(string name, long[] dims, long fanIn) => AddRandom(name, dims, Math.Sqrt(3.0 / fanIn));

    /// <summary>Adds a float initializer filled with one value.</summary>
    public string AddConstant(string name, long[] dims, float value) =>
        AddFloats(name, dims, Enumerable.Repeat(value, checked((int)ShapeMath.ElementCount(dims))).ToArray());

    /// <summary>Adds a single-output node; its output is named <c>{name}_out</c> and returned.</summary>
    public string AddNode(string opType, string name, string[] inputs, params AttributeProto[] attributes) =>
        AddNode(opType, name, inputs, [name + "_out"], attributes)[0];

    /// <summary>Adds a node with explicit output names; returns them.</summary>
    public string[] AddNode(string opType, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        if (!nodeNames.Add(name))
        {
            throw new InvalidOperationException($"Node name '{name}' is already used.");
        }

        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return outputs;
    }

    /// <summary>An INT attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An INTS attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A FLOAT attribute.</summary>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A STRING attribute.</summary>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>The finished model.</summary>
    public ModelProto Build()
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "EdgeCluster.Onnx.SampleModels",
            Graph = graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        return model;
    }

    /// <summary>The finished model as serialized bytes.</summary>
    public byte[] ToBytes() => Build().ToByteArray();

    private static TensorProto Tensor(string name, TensorElementType type, long[] dims, long count)
    {
        if (ShapeMath.ElementCount(dims) != count)
        {
            throw new ArgumentException($"Initializer '{name}' has {count} values but shape {ShapeMath.Format(dims)}.");
        }

        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static ValueInfoProto ValueInfo(string name, TensorElementType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"Dimension '{dim}' of '{name}' must be a long size or a string symbol."),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
