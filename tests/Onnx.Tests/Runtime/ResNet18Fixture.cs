using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Onnx.Tests.Runtime;

/// <summary>One ResNet18 session per test class: creating it takes about a second.</summary>
public sealed class ResNet18Fixture : IDisposable
{
    public ResNet18Fixture()
    {
        ModelBytes = File.ReadAllBytes(ResNet18.ModelPath);
        Session = new ShardSession(ModelBytes);
    }

    public byte[] ModelBytes { get; }

    public ShardSession Session { get; }

    public NamedTensor Input(int seed = 7) => DeterministicInputs.Create(Session.Inputs, seed)[0];

    public void Dispose() => Session.Dispose();
}
