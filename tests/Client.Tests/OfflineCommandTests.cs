using EdgeCluster.Client.Tests.Cli;
using EdgeCluster.Onnx.SampleModels;

namespace EdgeCluster.Client.Tests;

/// <summary><c>verify</c> and <c>plan</c> work on a model file alone, without a fleet.</summary>
public sealed class OfflineCommandTests : IAsyncLifetime
{
    private TempHome? _home;

    private string Home => _home!.Path;

    public Task InitializeAsync()
    {
        _home = new TempHome();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _home!.DisposeAsync();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task VerifyResNet18_InKStages_IsOk_WithKMinusOneCuts(int stages)
    {
        var run = (await EdgeClusterCli.RunAsync(Home, "verify", "resnet18", "--stages", $"{stages}")).AssertSucceeded();

        var summary = run.Json();
        Assert.True(summary.GetProperty("ok").GetBoolean());
        Assert.Equal("resnet18", summary.GetProperty("model").GetString());
        Assert.Equal(stages, summary.GetProperty("stages").GetInt32());
        var cuts = summary.GetProperty("cuts").EnumerateArray().ToArray();
        Assert.Equal(stages - 1, cuts.Length);
        Assert.All(cuts, cut => Assert.NotEmpty(cut.EnumerateArray()));
        Assert.InRange(summary.GetProperty("max_abs_diff").GetDouble(), 0, 1e-4);
    }

    [Theory]
    [InlineData("transformer")]
    [InlineData("two-branch")]
    [InlineData("unet")]
    public async Task VerifyGeneratedModel_IsOk(string model)
    {
        var run = (await EdgeClusterCli.RunAsync(Home, "verify", model)).AssertSucceeded();

        var summary = run.Json();
        Assert.True(summary.GetProperty("ok").GetBoolean());
        Assert.Equal(model, summary.GetProperty("model").GetString());
        Assert.Equal(3, summary.GetProperty("stages").GetInt32());
        Assert.Equal(2, summary.GetProperty("cuts").GetArrayLength());
    }

    [Fact]
    public async Task VerifyCorruptFile_FailsWithAnErrorNamingTheProblem()
    {
        var path = Path.Combine(Home, "corrupt.onnx");
        var content = await File.ReadAllBytesAsync(ResNet18.ModelPath);
        await File.WriteAllBytesAsync(path, content[..(content.Length / 3)]);

        var run = await EdgeClusterCli.RunAsync(Home, "verify", path);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(
            $"error: The {content.Length / 3} bytes are not a valid ONNX model (corrupt or truncated protobuf): ", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-batch", "300", "error: Batching: max batch size 300 is outside 2..256.")]
    [InlineData("--max-batch-wait-ms", "5", "error: --max-batch-wait-ms needs --max-batch.")]
    public async Task DeployWithUnusableBatching_FailsNamingIt_BeforeLookingForAFleet(string option, string value, string error)
    {
        var run = await EdgeClusterCli.RunAsync(Home, "deploy", "resnet18", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(error, run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyMissingModel_FailsNamingIt()
    {
        var run = await EdgeClusterCli.RunAsync(Home, "verify", "no-such-model.onnx");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: Model 'no-such-model.onnx' is neither a file nor a built-in model", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanResNet18_InThreeStages_ListsThreeStagesWhoseFlopsSharesSumToOne()
    {
        var run = (await EdgeClusterCli.RunAsync(Home, "plan", "resnet18", "--stages", "3", "--json")).AssertSucceeded();

        var plan = run.Json();
        Assert.Equal("resnet18", plan.GetProperty("model").GetString());
        var stages = plan.GetProperty("stages").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2], stages.Select(s => s.GetProperty("index").GetInt32()));
        Assert.Equal(1.0, stages.Sum(s => s.GetProperty("flops_share").GetDouble()), 4);
        Assert.All(stages, s => Assert.InRange(s.GetProperty("flops_share").GetDouble(), 0.05, 0.95));
        Assert.Equal(74, stages.Sum(s => s.GetProperty("nodes").GetInt32()));
        var cuts = plan.GetProperty("cuts").EnumerateArray().Select(c => c.EnumerateArray().Select(t => t.GetString()!).ToArray()).ToArray();
        Assert.Equal(2, cuts.Length);
        for (var i = 0; i < cuts.Length; i++)
        {
            var boundary = stages[i].GetProperty("boundary").EnumerateArray().ToArray();
            Assert.Equal(cuts[i], boundary.Select(b => b.GetProperty("name").GetString()!));
            Assert.All(boundary, b => Assert.Equal(
                b.GetProperty("shape").EnumerateArray().Aggregate(4L, (bytes, d) => bytes * d.GetInt64()), b.GetProperty("bytes").GetInt64()));
        }

        Assert.Empty(stages[^1].GetProperty("boundary").EnumerateArray());
    }
}
