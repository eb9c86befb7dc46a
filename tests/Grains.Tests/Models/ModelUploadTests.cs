using EdgeCluster.Grains.Interfaces.Errors;
using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Grains.Interfaces.Tensors;
using EdgeCluster.Grains.Tests.Cluster;
using EdgeCluster.Onnx.SampleModels;

namespace EdgeCluster.Grains.Tests.Models;

[Collection(EdgeClusterCollection.Name)]
public sealed class ModelUploadTests(EdgeClusterFixture fixture)
{
    private IModelRegistryGrain Registry => fixture.Client.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key);

    [Fact]
    public void Chunks_AreAtMostFourMebibytes()
    {
        Assert.Equal(4 * 1024 * 1024, ModelTransfer.ChunkBytes);
    }

    [Fact]
    public async Task ResNet18_UploadsInChunksOfAtMostFourMebibytes_AndRegistersItsSignature()
    {
        var content = TestModels.WithDocString(fixture.ResNet18Bytes, "upload test " + Guid.NewGuid());
        var progress = new RecordingProgress();

        var sha = await ModelBlobTransfer.UploadAsync(fixture.Client, content, progress);

        var expectedChunks = (content.Length + ModelTransfer.ChunkBytes - 1) / ModelTransfer.ChunkBytes;
        Assert.True(expectedChunks > 10, $"ResNet18 should need many chunks, not {expectedChunks}");
        Assert.Equal(expectedChunks, progress.Reports.Count);
        Assert.All(progress.Reports.Zip([0L, .. progress.Reports]), pair => Assert.InRange(pair.First - pair.Second, 1, ModelTransfer.ChunkBytes));
        Assert.Equal(content.LongLength, progress.Reports[^1]);
        Assert.Equal(ModelBlobTransfer.Sha256Hex(content), sha);

        var info = await Registry.RegisterAsync("resnet18-upload", sha);

        Assert.Equal("resnet18-upload", info.Name);
        Assert.Equal(sha, info.Sha256);
        Assert.Equal(content.LongLength, info.SizeBytes);
        var input = Assert.Single(info.Inputs);
        Assert.Equal(ResNet18.InputName, input.Name);
        Assert.Equal(TensorDataType.Float, input.DataType);
        Assert.Equal(["1", "3", "224", "224"], input.Dimensions);
        var output = Assert.Single(info.Outputs);
        Assert.Equal(ResNet18.OutputName, output.Name);
        Assert.Equal(TensorDataType.Float, output.DataType);
        Assert.Equal(["1", "512", "1", "1"], output.Dimensions);
        var stored = await Registry.GetAsync("resnet18-upload");
        Assert.Equal((info.Sha256, info.RegisteredAt), (stored?.Sha256, stored?.RegisteredAt));
    }

    [Fact]
    public async Task ChunkLargerThanFourMebibytes_IsRejected()
    {
        var chunk = new byte[ModelTransfer.ChunkBytes + 1];
        var blob = fixture.Client.GetGrain<IModelBlobGrain>(ModelBlobTransfer.Sha256Hex(chunk));

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => blob.WriteChunkAsync(0, chunk, chunk.Length));

        Assert.Equal(EdgeClusterErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(
            $"Chunk at offset 0 with {chunk.Length} bytes does not fit a blob of {chunk.Length} bytes in chunks of at most {ModelTransfer.ChunkBytes}.",
            error.Message);
        Assert.False(await blob.IsCompleteAsync());
    }

    [Fact]
    public async Task TruncatedResNet18_IsRejectedAsInvalidModel_AndTheFleetStillServes()
    {
        var truncated = fixture.ResNet18Bytes[..(fixture.ResNet18Bytes.Length / 2)];

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => fixture.RegisterAsync("resnet18-truncated", truncated));

        Assert.Equal(EdgeClusterErrorKind.InvalidModel, error.Kind);
        Assert.StartsWith("Model 'resnet18-truncated' is not a usable ONNX model: ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"The {truncated.Length} bytes are not a valid ONNX model (corrupt or truncated protobuf)", error.Message, StringComparison.Ordinal);
        Assert.Null(await Registry.GetAsync("resnet18-truncated"));
        await fixture.AssertServesResNet18Async();
    }

    [Fact]
    public async Task RandomBytes_AreRejectedAsInvalidModel_AndTheFleetStillServes()
    {
        var garbage = new byte[100_000];
        new Random(20240601).NextBytes(garbage);

        var error = await Assert.ThrowsAsync<EdgeClusterException>(() => fixture.RegisterAsync("garbage", garbage));

        Assert.Equal(EdgeClusterErrorKind.InvalidModel, error.Kind);
        Assert.StartsWith("Model 'garbage' is not a usable ONNX model: ", error.Message, StringComparison.Ordinal);
        Assert.Null(await Registry.GetAsync("garbage"));
        Assert.Contains(await Registry.ListAsync(), m => m.Name == EdgeClusterFixture.ResNet18Deployment);
        await fixture.AssertServesResNet18Async();
    }

    /// <summary>Records reports on the reporting thread; <see cref="Progress{T}"/> would post them later, out of order.</summary>
    private sealed class RecordingProgress : IProgress<long>
    {
        public List<long> Reports { get; } = [];

        public void Report(long value) => Reports.Add(value);
    }
}
