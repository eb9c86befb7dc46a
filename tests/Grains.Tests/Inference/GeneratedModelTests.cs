using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Grains.Tests.Inference;

/// <summary>The generated models, split over the cluster, answer exactly like the whole model run here.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class GeneratedModelTests(EdgeClusterFixture fixture)
{
    public static TheoryData<string, int> SplitModels => new()
    {
        { "transformer", 3 },
        { "two-branch", 2 },
        { "unet", 3 },
    };

    [Theory]
    [MemberData(nameof(SplitModels))]
    public async Task SplitDeployment_MatchesTheWholeModel(string model, int stages)
    {
        var content = Build(model);
        using var whole = new ShardSession(content);
        await fixture.RegisterAsync(model, content);

        // Stage 0 on the last device, so every model also crosses a different pair of devices.
        var devices = fixture.DeviceIds.Reverse().Take(stages).ToArray();
        var status = await fixture.DeployAsync(model, new DeploymentSpec(model, stages, devices));
        Assert.Equal(DeploymentState.Ready, status.State);
        Assert.Equal(devices, status.Route!.Stages.Select(s => s.DeviceId));

        var inputs = DeterministicInputs.Create(whole.Inputs, seed: 9);
        var result = await fixture.InferAsync(model, devices[0], inputs);

        var expected = whole.Run(inputs);
        Assert.Equal(expected.Select(e => e.Name), result.Outputs.Select(o => o.Name));
        foreach (var (want, got) in expected.Zip(result.Outputs.Select(o => o.ToNamedTensor())))
        {
            Assert.Equal(want.Shape, got.Shape);
            Assert.InRange(TensorComparison.MaxAbsDiff(want, got), 0, 1e-5);
        }

        Assert.Equal(devices, result.Hops.Select(h => h.Device));
    }

    [Fact]
    public async Task TwoBranch_TakesBothInputs_AndReturnsOnlyTheOutputAskedFor()
    {
        var content = TwoBranchModel.Build();
        using var whole = new ShardSession(content);
        var info = await fixture.RegisterAsync("two-branch-one-output", content);
        Assert.Equal([TwoBranchModel.ImageInput, TwoBranchModel.FeaturesInput], info.Inputs.Select(i => i.Name));
        Assert.Equal([TwoBranchModel.LogitsOutput, TwoBranchModel.EmbeddingOutput], info.Outputs.Select(o => o.Name));
        await fixture.DeployAsync("two-branch-one-output", new DeploymentSpec("two-branch-one-output", 2, [fixture.DeviceIds[1], fixture.DeviceIds[0]]));
        var inputs = DeterministicInputs.Create(whole.Inputs, seed: 10);

        var result = await fixture.InferAsync(
            "two-branch-one-output", fixture.DeviceIds[1], inputs.Select(t => t.ToPayload()), [TwoBranchModel.EmbeddingOutput]);

        var embedding = Assert.Single(result.Outputs).ToNamedTensor();
        Assert.Equal(TwoBranchModel.EmbeddingOutput, embedding.Name);
        var expected = whole.Run(inputs, [TwoBranchModel.EmbeddingOutput])[0];
        Assert.InRange(TensorComparison.MaxAbsDiff(expected, embedding), 0, 1e-5);
    }

    private static byte[] Build(string model) => model switch
    {
        "transformer" => TransformerModel.Build(),
        "two-branch" => TwoBranchModel.Build(),
        "unet" => UNetModel.Build(),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "not a generated model"),
    };
}
