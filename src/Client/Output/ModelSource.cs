using EdgeCluster.Onnx.SampleModels;

namespace EdgeCluster.Client.Output;

/// <summary>A model argument: an .onnx file, or the name of a model the project ships or builds.</summary>
public static class ModelSource
{
    public static readonly IReadOnlyDictionary<string, Func<byte[]>> BuiltIn = new Dictionary<string, Func<byte[]>>(StringComparer.OrdinalIgnoreCase)
    {
        ["resnet18"] = () => File.ReadAllBytes(ResNet18.ModelPath),
        ["transformer"] = () => TransformerModel.Build(),
        ["two-branch"] = () => TwoBranchModel.Build(),
        ["unet"] = () => UNetModel.Build(),
    };

    public static (string Name, byte[] Content) Load(string argument)
    {
        if (File.Exists(argument))
        {
            return (Path.GetFileNameWithoutExtension(argument), File.ReadAllBytes(argument));
        }

        if (BuiltIn.TryGetValue(argument, out var build))
        {
            return (argument.ToLowerInvariant(), build());
        }

        throw new EdgeClusterCliException(
            $"Model '{argument}' is neither a file nor a built-in model ({string.Join(", ", BuiltIn.Keys)}).");
    }
}
