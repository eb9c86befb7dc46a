using EdgeCluster.Onnx.Compression;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Onnx.Tests.Partitioning;

namespace EdgeCluster.Onnx.Tests.Compression;

/// <summary>ResNet18 in three stages with every boundary encoded and decoded, against the whole model.</summary>
[Collection(ResNet18AnalysisCollection.Name)]
public sealed class ResNet18CompressedLinksTests(ResNet18AnalysisFixture fixture)
{
    [Theory]
    [InlineData(ActivationCodec.None, 1.0, 0.999999)]
    [InlineData(ActivationCodec.Fp16, 0.5, 0.99999)]
    [InlineData(ActivationCodec.Int8, 0.26, 0.9999)]
    public void ThreeStages_FeaturesStayCloseAndLinksShrink(ActivationCodec codec, double maxByteRatio, double minCosine)
    {
        var split = PartitionedModel.Create(fixture.Analysis, 3);
        var input = DeterministicInputs.Create(fixture.Graph.Inputs, seed: 11);
        using var whole = new ShardSession(fixture.Graph.ToBytes());
        var exact = whole.Run(input)[0];

        var (features, rawBytes, wireBytes) = RunWithCodec(split, input, codec);

        var error = CodecError.Compare(exact, features.Single(t => t.Name == ResNet18.OutputName), codec, wireBytes);
        Assert.Equal(split.Plan.BoundaryBytes, rawBytes);
        Assert.InRange(wireBytes / (double)rawBytes, maxByteRatio - 0.03, maxByteRatio);
        Assert.True(error.CosineSimilarity >= minCosine, $"{codec}: cosine {error.CosineSimilarity}, max abs diff {error.MaxAbsDiff}");
    }

    private static (IReadOnlyList<NamedTensor> Outputs, long RawBytes, long WireBytes) RunWithCodec(
        PartitionedModel split, IReadOnlyList<NamedTensor> inputs, ActivationCodec codec)
    {
        long raw = 0, wire = 0;
        var bag = inputs;
        for (var i = 0; i < split.Stages.Count; i++)
        {
            var stage = split.Stages[i];
            using var session = new ShardSession(stage.ModelBytes);
            bag = StageBag.Next(stage, bag, session.Run(StageBag.Inputs(stage, bag), stage.OutputNames));
            if (i < split.Stages.Count - 1)
            {
                var encoded = bag.Select(t => ActivationCodecs.Encode(t, codec)).ToArray();
                raw += bag.Sum(t => t.Data.LongLength);
                wire += encoded.Sum(t => t.WireBytes);
                bag = encoded.Select(ActivationCodecs.Decode).ToArray();
            }
        }

        return (bag, raw, wire);
    }
}
