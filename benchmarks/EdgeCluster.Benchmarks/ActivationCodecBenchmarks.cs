using BenchmarkDotNet.Attributes;
using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Benchmarks;

/// <summary>Encode and decode of one ResNet18 boundary activation (Float[1,128,28,28], 392 KiB) per codec.</summary>
[MemoryDiagnoser]
public class ActivationCodecBenchmarks
{
    private NamedTensor activation = null!;
    private EncodedTensor encoded = null!;

    [Params(ActivationCodec.Fp16, ActivationCodec.Int8)]
    public ActivationCodec Codec { get; set; }

    [Params(100_352)]
    public int Elements { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);

        // Post-Relu activations: non-negative with a long tail, like the tensors that cross ResNet18's cuts.
        var values = Enumerable.Range(0, Elements).Select(_ => (float)Math.Max(0, random.NextDouble() * random.NextDouble() * 8 - 1)).ToArray();
        activation = NamedTensor.FromFloats("activation", [1, Elements], values);
        encoded = ActivationCodecs.Encode(activation, Codec);
    }

    [Benchmark]
    public EncodedTensor Encode() => ActivationCodecs.Encode(activation, Codec);

    [Benchmark]
    public NamedTensor Decode() => ActivationCodecs.Decode(encoded);
}
