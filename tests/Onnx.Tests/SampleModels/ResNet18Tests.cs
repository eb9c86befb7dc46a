using EdgeCluster.Onnx.SampleModels;

namespace EdgeCluster.Onnx.Tests.SampleModels;

public sealed class ResNet18Tests
{
    [Fact]
    public void Paths_PointAtPackageFiles()
    {
        Assert.EndsWith(Path.Combine("ResNet18Onnx", "ResNet18.onnx"), ResNet18.ModelPath, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("ResNetPrepOnnx", "ResNetPreprocess.onnx"), ResNet18.PreprocessModelPath, StringComparison.Ordinal);
        Assert.True(new FileInfo(ResNet18.ModelPath).Length > 40_000_000);
    }

    [Fact]
    public void Constants_MatchModel()
    {
        Assert.Equal("Input247", ResNet18.InputName);
        Assert.Equal("Pooling395_Output_0", ResNet18.OutputName);
        Assert.Equal([1L, 3, 224, 224], ResNet18.InputShape);
        Assert.Equal([1L, 512, 1, 1], ResNet18.OutputShape);
    }
}
