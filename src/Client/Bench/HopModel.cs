using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using static EdgeCluster.Onnx.SampleModels.OnnxModelBuilder;

namespace EdgeCluster.Client.Bench;

/// <summary>
/// The model that measures one hop: x float[1, 262144] (1 MiB) → Identity → ReduceSum → [1,1]. Split after the
/// Identity, exactly 1 MiB crosses the link and only 4 bytes come back, so its two-stage latency minus its one-stage
/// latency is the cost of carrying 1 MiB across one device boundary.
/// </summary>
public static class HopModel
{
    public const string InputName = "x";

    public const string OutputName = "sum";

    public const long Elements = 1 << 18;

    /// <summary>
    /// Hop request pairs timed per bench round. A hop takes about a millisecond, a few percent of a ResNet18 round, and
    /// its median over one pair per round moved by a third between runs (0.68 and 1.07 ms).
    /// </summary>
    public const int PairsPerRound = 10;

    /// <summary>The request both benches send it: 1 MiB of small repeating values.</summary>
    public static NamedTensor[] Input() =>
        [NamedTensor.FromFloats(InputName, [1, Elements], Enumerable.Range(0, (int)Elements).Select(i => (i % 13) * 0.25f).ToArray())];

    public static byte[] Build()
    {
        var b = new OnnxModelBuilder("hop_1mib", seed: 0);
        var x = b.AddInput(InputName, TensorElementType.Float, 1L, Elements);
        var copy = b.AddNode("Identity", "copy", [x]);
        b.AddNode("ReduceSum", "sum", [copy], [OutputName], Int("keepdims", 1));
        b.AddOutput(OutputName, TensorElementType.Float, 1L, 1L);
        return b.ToBytes();
    }
}
