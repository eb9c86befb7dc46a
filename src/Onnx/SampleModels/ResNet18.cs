using System.Reflection;

namespace EdgeCluster.Onnx.SampleModels;

/// <summary>
/// The ResNet18 feature extractor shipped in the Microsoft.ML.DnnImageFeaturizer.ResNet18 package
/// (opset 8, input <see cref="InputName"/> float [1,3,224,224], output <see cref="OutputName"/> float [1,512,1,1]).
/// </summary>
public static class ResNet18
{
    /// <summary>Environment variable that overrides <see cref="ModelPath"/>.</summary>
    public const string PathVariable = "EDGECLUSTER_RESNET18";

    /// <summary>The model's input tensor name.</summary>
    public const string InputName = "Input247";

    /// <summary>The model's output tensor name.</summary>
    public const string OutputName = "Pooling395_Output_0";

    /// <summary>The preprocessing model's input: float [1,3,224,224], RGB pixel values 0-255.</summary>
    public const string PreprocessInputName = "OriginalInput";

    /// <summary>The preprocessing model's output: BGR minus the mean image, ResNet18's input.</summary>
    public const string PreprocessOutputName = "PreprocessedInput";

    /// <summary>Input image side length in pixels.</summary>
    public const int ImageSize = 224;

    /// <summary>The model's input shape.</summary>
    public static IReadOnlyList<long> InputShape { get; } = [1, 3, ImageSize, ImageSize];

    /// <summary>The model's output shape.</summary>
    public static IReadOnlyList<long> OutputShape { get; } = [1, 512, 1, 1];

    /// <summary>Path of ResNet18.onnx (<c>EDGECLUSTER_RESNET18</c> overrides); throws <see cref="FileNotFoundException"/> if it is missing.</summary>
    public static string ModelPath
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrWhiteSpace(overridden))
            {
                return File.Exists(overridden)
                    ? overridden
                    : throw new FileNotFoundException($"{PathVariable} points to '{overridden}', which does not exist.", overridden);
            }

            return PackageFile("ResNet18Onnx", "ResNet18.onnx");
        }
    }

    /// <summary>Path of ResNetPreprocess.onnx; throws <see cref="FileNotFoundException"/> if it is missing.</summary>
    public static string PreprocessModelPath => PackageFile("ResNetPrepOnnx", "ResNetPreprocess.onnx");

    private static string PackageFile(string folder, string file)
    {
        var root = typeof(ResNet18).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ResNet18PackageRoot")?.Value;
        var path = string.IsNullOrEmpty(root) ? null : Path.Combine(root, "tools", "DnnImageModels", folder, file);
        return path is not null && File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"{file} was not found{(path is null ? string.Empty : $" at '{path}'")}. Run `dotnet restore` to download the " +
                $"Microsoft.ML.DnnImageFeaturizer.ResNet18 package (or set {PathVariable} to a ResNet18.onnx file).",
                path ?? file);
    }
}
