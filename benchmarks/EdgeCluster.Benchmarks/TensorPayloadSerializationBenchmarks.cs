using BenchmarkDotNet.Attributes;
using EdgeCluster.Grains.Interfaces.Tensors;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace EdgeCluster.Benchmarks;

/// <summary>A tensor payload through the Orleans serializer, as it is written to and read from a silo-to-silo message.</summary>
[MemoryDiagnoser]
public class TensorPayloadSerializationBenchmarks
{
    private ServiceProvider services = null!;
    private Serializer<TensorPayload> serializer = null!;
    private TensorPayload payload = null!;
    private byte[] serialized = null!;

    /// <summary>1 MiB as float32, and the same tensor as int8 codes (256 KiB plus scale and zero point).</summary>
    [Params(TensorEncoding.None, TensorEncoding.Int8)]
    public TensorEncoding Encoding { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        services = new ServiceCollection().AddSerializer(builder => builder.AddAssembly(typeof(TensorPayload).Assembly)).BuildServiceProvider();
        serializer = services.GetRequiredService<Serializer<TensorPayload>>();
        const int elements = 1 << 18;
        var bytes = new byte[Encoding == TensorEncoding.Int8 ? elements : elements * sizeof(float)];
        new Random(2).NextBytes(bytes);
        payload = new TensorPayload("activation", TensorDataType.Float, [1, elements], bytes)
        {
            Encoding = Encoding,
            Scale = Encoding == TensorEncoding.Int8 ? 0.01f : 0,
        };
        serialized = serializer.SerializeToArray(payload);
    }

    [GlobalCleanup]
    public void Cleanup() => services.Dispose();

    [Benchmark]
    public byte[] Serialize() => serializer.SerializeToArray(payload);

    [Benchmark]
    public TensorPayload Deserialize() => serializer.Deserialize(serialized)!;
}
