using BenchmarkDotNet.Attributes;
using EdgeCluster.Onnx.Batching;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Google.Protobuf;
using Onnx;

namespace EdgeCluster.Benchmarks;

/// <summary>
/// ResNet18 with a symbolic batch axis: four images run one by one against the same four stacked into one batch, run,
/// and sliced apart again (what a stage's dynamic batcher does). Set EDGECLUSTER_ORT_THREADS to compare thread counts.
/// </summary>
[MemoryDiagnoser]
public class BatchedRunBenchmarks
{
    private const int Images = 4;
    private ShardSession session = null!;
    private IReadOnlyList<NamedTensor>[] requests = null!;

    [GlobalSetup]
    public void Setup()
    {
        var model = BatchDimension.MakeSymbolic(ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18.ModelPath)));
        session = new ShardSession(model.ToByteArray());
        requests = Enumerable.Range(1, Images).Select(seed => DeterministicInputs.Create(session.Inputs, seed)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => session.Dispose();

    [Benchmark(Baseline = true)]
    public int OneByOne()
    {
        var bytes = 0;
        foreach (var request in requests)
        {
            bytes += session.Run(request)[0].Data.Length;
        }

        return bytes;
    }

    [Benchmark]
    public int OneBatch()
    {
        var output = session.Run(BatchAssembly.Stack(requests))[0];
        var bytes = 0;
        for (var i = 0; i < Images; i++)
        {
            bytes += BatchAssembly.Slice(output, Images, i, 1).Data.Length;
        }

        return bytes;
    }
}
