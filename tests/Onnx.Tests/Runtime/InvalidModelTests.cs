using EdgeCluster.Onnx.Runtime;

namespace EdgeCluster.Onnx.Tests.Runtime;

public sealed class InvalidModelTests
{
    [Fact]
    public void RandomGarbage_ThrowsInvalidModel()
    {
        var garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        var e = Assert.Throws<InvalidModelException>(() => new ShardSession(garbage));
        Assert.StartsWith("The ONNX model could not be loaded: ", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void EmptyBytes_ThrowsInvalidModel()
    {
        var e = Assert.Throws<InvalidModelException>(() => new ShardSession([]));
        Assert.Equal("The ONNX model could not be loaded: the model bytes are empty.", e.Message);
    }

    [Fact]
    public void MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => ShardSession.FromFile(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".onnx")));
    }
}
