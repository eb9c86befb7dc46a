using EdgeCluster.Grains.Inference;
using EdgeCluster.Grains.Interfaces.Deployments;
using EdgeCluster.Grains.Interfaces.Inference;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Grains.Transfer.Link;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using EdgeCluster.Onnx.Tensors;
using EdgeCluster.Onnx.Verification;

namespace EdgeCluster.Grains.Tests.Inference;

/// <summary>From the third stage on, the last stage hands the result straight to the origin; the chain carries it when the origin does not take it.</summary>
[Collection(EdgeClusterCollection.Name)]
public sealed class OriginAnswerTests(EdgeClusterFixture fixture)
{
    private const string Deployment = "resnet18-answers";
    private static readonly int[] Cuts = [27, 50];

    [Fact]
    public async Task The_last_of_three_stages_answers_the_origin_on_its_link_with_every_hop()
    {
        var handlers = fixture.DeviceIds.Select(fixture.SiloService<ActivationLinkCallHandler>).ToArray();
        var before = handlers.Select(h => h.Served).ToArray();
        var input = fixture.ResNet18Input(seed: 41);

        var result = await fixture.InferAsync(EdgeClusterFixture.ResNet18Deployment, fixture.DeviceIds[0], [input]);

        // The origin's link served one call: the last stage's answer. Stages 1 and 2 each served their stage call.
        Assert.Equal([1L, 1L, 1L], handlers.Select((h, i) => h.Served - before[i]));
        Assert.Equal(fixture.DeviceIds, result.Hops.Select(h => h.Device));
        Assert.Equal([0, 1, 2], result.Hops.Select(h => h.Stage));
        Assert.False(result.AnsweredOrigin);
        Assert.Equal(0, TensorComparison.MaxAbsDiff(fixture.ResNet18Session.Run([input])[0], Assert.Single(result.Outputs).ToNamedTensor()));
        Assert.Equal(0, fixture.SiloService<OriginAnswers>(fixture.DeviceIds[0]).Waiting);
    }

    [Fact]
    public async Task An_answer_no_request_waits_for_goes_back_up_the_chain_with_the_outputs()
    {
        var route = await DeployAsync();
        var input = fixture.ResNet18Input(seed: 42);
        var beforeLast = LocalPipelineBag(input);
        var request = new StageRequest(
            "r-unawaited", Deployment, 2, route.Version, fixture.DeviceIds[0], [.. beforeLast.Select(t => t.ToPayload())], [])
        {
            AnswerToken = "nobody-waits-for-this",
        };

        var result = await fixture.Client.GetGrain<IPipelineStageGrain>(IPipelineStageGrain.KeyFor(fixture.DeviceIds[2], Deployment, 2)).RunAsync(request);

        Assert.False(result.AnsweredOrigin);
        Assert.Equal(fixture.DeviceIds[2], Assert.Single(result.Hops).Device);
        Assert.Equal(0, TensorComparison.MaxAbsDiff(fixture.ResNet18Session.Run([input])[0], Assert.Single(result.Outputs).ToNamedTensor()));
    }

    [Fact]
    public async Task An_answer_is_taken_once_and_only_while_its_request_waits()
    {
        var answers = new OriginAnswers();
        var answer = new InferenceResult("r-1", [], []);

        using (var wait = answers.Expect())
        {
            Assert.Equal(1, answers.Waiting);
            Assert.True(answers.TryAccept(new OriginAnswer(wait.Token, answer)));
            Assert.False(answers.TryAccept(new OriginAnswer(wait.Token, answer)));
            Assert.Same(answer, await wait.Answered);
        }

        var abandoned = answers.Expect();
        abandoned.Dispose();
        Assert.False(answers.TryAccept(new OriginAnswer(abandoned.Token, answer)));
        Assert.Equal(0, answers.Waiting);
    }

    private async Task<DeploymentRoute> DeployAsync()
    {
        var status = await fixture.DeployAsync(Deployment, new DeploymentSpec(EdgeClusterFixture.ResNet18Deployment, 3, [.. fixture.DeviceIds]) { Cuts = Cuts });
        return status.Route!;
    }

    /// <summary>The tensors the last stage needs, from the first two stages run in this process.</summary>
    private IReadOnlyList<NamedTensor> LocalPipelineBag(NamedTensor input)
    {
        var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(fixture.ResNet18Bytes, EdgeClusterFixture.ResNet18Deployment));
        var stages = StageEmitter.Emit(analysis, ModelPartitioner.FromCuts(analysis, Cuts));
        using var firstTwo = new LocalPipeline([.. stages.Take(2)]);
        return firstTwo.Run([input]);
    }
}
