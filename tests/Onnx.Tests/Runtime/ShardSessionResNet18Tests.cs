using EdgeCluster.Onnx.Runtime;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeCluster.Onnx.Tests.Runtime;

public sealed class ShardSessionResNet18Tests(ResNet18Fixture fixture) : IClassFixture<ResNet18Fixture>
{
    private ShardSession Session => fixture.Session;

    [Fact]
    public void Metadata_DescribesInputAndOutput()
    {
        var input = Assert.Single(Session.Inputs);
        Assert.Equal("Input247: Float[1,3,224,224]", input.ToString());
        var output = Assert.Single(Session.Outputs);
        Assert.Equal("Pooling395_Output_0: Float[1,512,1,1]", output.ToString());
        Assert.Equal(ResNet18.InputName, input.Name);
        Assert.Equal(ResNet18.OutputName, output.Name);
    }

    [Fact]
    public void Run_ProducesFiniteDeterministicFeatures()
    {
        var input = fixture.Input();
        var first = Assert.Single(Session.Run([input]));
        var second = Assert.Single(Session.Run([input]));

        Assert.Equal(ResNet18.OutputName, first.Name);
        Assert.Equal(TensorElementType.Float, first.ElementType);
        Assert.Equal([1L, 512, 1, 1], first.Shape);
        Assert.Equal(512 * 4, first.Data.Length);
        Assert.All(first.AsFloats().ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.True(TensorComparison.MaxAbs(first) > 0);
        Assert.Equal(first.Data, second.Data);
    }

    [Fact]
    public void Run_ConcurrentCallsAgree()
    {
        var input = fixture.Input(seed: 11);
        var expected = Session.Run([input])[0].Data;
        var results = new byte[3][];
        Parallel.For(0, results.Length, i => results[i] = Session.Run([input], [ResNet18.OutputName])[0].Data);
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Run_DifferentInputsGiveDifferentOutputs()
    {
        var a = Session.Run([fixture.Input(1)])[0];
        var b = Session.Run([fixture.Input(2)])[0];
        Assert.True(TensorComparison.MaxAbsDiff(a, b) > 1e-3);
    }

    [Fact]
    public void Run_WrongShape_NamesTensorAndExpectedShape()
    {
        var input = NamedTensor.FromFloats(ResNet18.InputName, [1, 3, 100, 100], new float[3 * 100 * 100]);
        var e = Assert.Throws<InvalidInputException>(() => Session.Run([input]));
        Assert.Equal(ResNet18.InputName, e.TensorName);
        Assert.Equal("Input 'Input247' has shape [1,3,100,100] but the model expects [1,3,224,224].", e.Message);
    }

    [Fact]
    public void Run_WrongRank_IsRejected()
    {
        var input = NamedTensor.FromFloats(ResNet18.InputName, [3, 224, 224], new float[3 * 224 * 224]);
        var e = Assert.Throws<InvalidInputException>(() => Session.Run([input]));
        Assert.Contains("[3,224,224] but the model expects [1,3,224,224]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WrongType_NamesBothTypes()
    {
        var input = new NamedTensor(ResNet18.InputName, TensorElementType.Int64, [1, 3, 224, 224], new byte[3 * 224 * 224 * 8]);
        var e = Assert.Throws<InvalidInputException>(() => Session.Run([input]));
        Assert.Equal(ResNet18.InputName, e.TensorName);
        Assert.Equal("Input 'Input247' is Int64 but the model expects Float.", e.Message);
    }

    [Fact]
    public void Run_MissingInput_DescribesExpectedInput()
    {
        var e = Assert.Throws<InvalidInputException>(() => Session.Run([]));
        Assert.Equal(ResNet18.InputName, e.TensorName);
        Assert.Equal("Input 'Input247' is missing; the model expects Input247: Float[1,3,224,224].", e.Message);
    }

    [Fact]
    public void Run_UnknownInput_IsRejected()
    {
        var stray = NamedTensor.FromFloats("stray", [1], [1f]);
        var e = Assert.Throws<InvalidInputException>(() => Session.Run([fixture.Input(), stray]));
        Assert.Equal("stray", e.TensorName);
        Assert.StartsWith("Input 'stray' is not an input of the model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_DuplicateInput_IsRejected()
    {
        var input = fixture.Input();
        var e = Assert.Throws<InvalidInputException>(() => Session.Run([input, input]));
        Assert.Equal("Input 'Input247' is given more than once.", e.Message);
    }

    [Fact]
    public void Run_DataLengthMismatch_IsRejected()
    {
        var input = new NamedTensor(ResNet18.InputName, TensorElementType.Float, [1, 3, 224, 224], new byte[100]);
        var e = Assert.Throws<InvalidInputException>(() => Session.Run([input]));
        Assert.Equal("Input 'Input247' has 100 data bytes but shape [1,3,224,224] of Float needs 602112.", e.Message);
    }

    [Fact]
    public void Run_StringInput_IsRejected()
    {
        var input = new NamedTensor(ResNet18.InputName, TensorElementType.String, [1, 3, 224, 224], []);
        var e = Assert.Throws<InvalidInputException>(() => Session.Run([input]));
        Assert.Equal("Input 'Input247': string tensors are not supported.", e.Message);
    }

    [Fact]
    public void Run_UnknownOutput_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Session.Run([fixture.Input()], ["nope"]));
        Assert.StartsWith("Output 'nope' is not an output of the model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TruncatedModel_ThrowsInvalidModel()
    {
        var truncated = fixture.ModelBytes.AsSpan(0, 1000).ToArray();
        var e = Assert.Throws<InvalidModelException>(() => new ShardSession(truncated));
        Assert.StartsWith("The ONNX model could not be loaded: ", e.Message, StringComparison.Ordinal);
    }
}
