using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace EdgeCluster.Onnx.Tests.Graph;

/// <summary>Hand-built opset-17 graphs for edge cases the sample models do not cover.</summary>
internal static class TinyGraphs
{
    /// <summary>
    /// x[2,3] -> a=Relu -> b=Sigmoid(a) -> s=ReduceSum(a) -> c=Greater(s,0) -> r=If(c){a+b}{a*b} -> y=Tanh(r).
    /// The If branches read the outer tensors a and b, which no later node lists as an explicit input.
    /// </summary>
    public static byte[] IfModel()
    {
        var graph = new GraphProto { Name = "if_model" };
        graph.Input.Add(Tensor("x", 2, 3));
        graph.Output.Add(Tensor("y", 2, 3));
        graph.Initializer.Add(Scalar("zero", 0f));
        graph.Node.Add(Node("Relu", "relu", ["x"], ["a"]));
        graph.Node.Add(Node("Sigmoid", "sigmoid", ["a"], ["b"]));
        graph.Node.Add(Node("ReduceSum", "sum", ["a"], ["s"], Int("keepdims", 0)));
        graph.Node.Add(Node("Greater", "positive", ["s", "zero"], ["c"]));
        var ifNode = Node("If", "branch", ["c"], ["r"]);
        ifNode.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = Branch("then", "Add") });
        ifNode.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = Branch("else", "Mul") });
        graph.Node.Add(ifNode);
        graph.Node.Add(Node("Tanh", "tanh", ["r"], ["y"]));
        return Model(graph);
    }

    /// <summary>x -> Relu -> Sigmoid -> Tanh -> Add(late) -> Neg: the graph input 'late' is read by the 4th node.</summary>
    public static byte[] LateInputModel()
    {
        var graph = new GraphProto { Name = "late_input" };
        graph.Input.Add(Tensor("x", 4));
        graph.Input.Add(Tensor("late", 4));
        graph.Output.Add(Tensor("y", 4));
        graph.Node.Add(Node("Relu", "n0", ["x"], ["t0"]));
        graph.Node.Add(Node("Sigmoid", "n1", ["t0"], ["t1"]));
        graph.Node.Add(Node("Tanh", "n2", ["t1"], ["t2"]));
        graph.Node.Add(Node("Add", "n3", ["t2", "late"], ["t3"]));
        graph.Node.Add(Node("Neg", "n4", ["t3"], ["y"]));
        return Model(graph);
    }

    /// <summary>A chain stored in reverse file order, with an independent Constant node in the middle of the file.</summary>
    public static byte[] UnsortedModel()
    {
        var graph = new GraphProto { Name = "unsorted" };
        graph.Input.Add(Tensor("x", 4));
        graph.Output.Add(Tensor("y", 4));
        graph.Node.Add(Node("Add", "last", ["t1", "k"], ["y"]));
        graph.Node.Add(Node("Sigmoid", "middle", ["t0"], ["t1"]));
        var constant = Node("Constant", "const", [], ["k"]);
        constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = Scalar("k_value", 1f) });
        graph.Node.Add(constant);
        graph.Node.Add(Node("Relu", "first", ["x"], ["t0"]));
        return Model(graph);
    }

    /// <summary>a = Relu(b), b = Relu(a): a two-node cycle.</summary>
    public static byte[] CyclicModel()
    {
        var graph = new GraphProto { Name = "cyclic" };
        graph.Input.Add(Tensor("x", 4));
        graph.Output.Add(Tensor("b", 4));
        graph.Node.Add(Node("Add", "one", ["x", "b"], ["a"]));
        graph.Node.Add(Node("Relu", "two", ["a"], ["b"]));
        return Model(graph);
    }

    /// <summary>
    /// IR 3 / opset 8, initializers w and v listed as graph inputs as IR &lt; 4 required:
    /// x[1,4] -> Mul(w) -> Relu -> Add(w) -> Mul(v) -> y.
    /// </summary>
    public static byte[] Ir3Model()
    {
        var graph = new GraphProto { Name = "ir3" };
        graph.Input.Add(Tensor("x", 1, 4));
        graph.Input.Add(Tensor("w", 4));
        graph.Input.Add(Tensor("v", 4));
        graph.Output.Add(Tensor("y", 1, 4));
        graph.Initializer.Add(Vector("w", 0.5f, -1f, 2f, 0.25f));
        graph.Initializer.Add(Vector("v", 3f, 1f, -2f, 1f));
        graph.Node.Add(Node("Mul", "scale", ["x", "w"], ["t0"]));
        graph.Node.Add(Node("Relu", "relu", ["t0"], ["t1"]));
        graph.Node.Add(Node("Add", "shift", ["t1", "w"], ["t2"]));
        graph.Node.Add(Node("Mul", "rescale", ["t2", "v"], ["y"]));
        return Model(graph, irVersion: 3, opset: 8);
    }

    /// <summary>Two nodes writing the same tensor.</summary>
    public static byte[] DoubleProducerModel()
    {
        var graph = new GraphProto { Name = "double" };
        graph.Input.Add(Tensor("x", 4));
        graph.Output.Add(Tensor("y", 4));
        graph.Node.Add(Node("Relu", "one", ["x"], ["y"]));
        graph.Node.Add(Node("Neg", "two", ["x"], ["y"]));
        return Model(graph);
    }

    public static ValueInfoProto Tensor(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorElementType.Float, Shape = shape } },
        };
    }

    public static NodeProto Node(string opType, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static byte[] Model(GraphProto graph, long irVersion = 8, long opset = 17)
    {
        var model = new ModelProto { IrVersion = irVersion, ProducerName = "tiny-graphs", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        return model.ToByteArray();
    }

    private static GraphProto Branch(string name, string opType)
    {
        var branch = new GraphProto { Name = name };
        branch.Node.Add(Node(opType, $"{name}_op", ["a", "b"], [$"{name}_out"]));
        branch.Output.Add(Tensor($"{name}_out", 2, 3));
        return branch;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static TensorProto Vector(string name, params float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorElementType.Float };
        tensor.Dims.Add(values.Length);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    private static TensorProto Scalar(string name, float value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorElementType.Float };
        tensor.FloatData.Add(value);
        return tensor;
    }
}
