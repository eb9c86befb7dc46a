using EdgeCluster.Grains.Interfaces.Models;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Client.Commands;

/// <summary>Reads <c>--input</c> values: FILE for a one-input model, NAME=FILE per input otherwise.</summary>
public static class InputFiles
{
    private static readonly string[] ImageExtensions = [".ppm", ".pnm", ".bmp"];

    public static IReadOnlyList<NamedTensor> Load(IReadOnlyList<string> arguments, ModelInfo model)
    {
        if (arguments.Count == 0)
        {
            throw new EdgeClusterCliException($"Give --input; model '{model.Name}' takes {string.Join(", ", model.Inputs.Select(i => i.ToString()))}.");
        }

        return arguments.Select(argument =>
        {
            var split = argument.IndexOf('=', StringComparison.Ordinal);
            var (name, path) = split > 0 ? (argument[..split], argument[(split + 1)..]) : (null, argument);
            var input = name is null
                ? model.Inputs.Length == 1 ? model.Inputs[0] : throw new EdgeClusterCliException($"Model '{model.Name}' has {model.Inputs.Length} inputs; use --input NAME=FILE for each.")
                : model.Inputs.FirstOrDefault(i => i.Name == name) ?? throw new EdgeClusterCliException($"Model '{model.Name}' has no input '{name}'.");
            return Read(path, input);
        }).ToArray();
    }

    private static NamedTensor Read(string path, Grains.Interfaces.Tensors.TensorSignature input)
    {
        if (!File.Exists(path))
        {
            throw new EdgeClusterCliException($"Input file '{path}' does not exist.");
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".npy")
        {
            return NpyFile.Read(path, input.Name);
        }

        if (ImageExtensions.Contains(extension))
        {
            using var preprocessor = new ImagePreprocessor();
            return preprocessor.Preprocess(path) with { Name = input.Name };
        }

        var shape = input.Dimensions.Select(d => long.TryParse(d, out var size) ? size
            : throw new EdgeClusterCliException($"Input '{input.Name}' has symbolic dimension '{d}'; give it as .npy so the file carries its shape.")).ToArray();
        return RawTensorFile.ReadFloat32(path, input.Name, shape);
    }
}
