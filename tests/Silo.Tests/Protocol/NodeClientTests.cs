using System.Diagnostics;
using System.Text.Json;
using EdgeCluster.Onnx.SampleModels;
using EdgeCluster.Onnx.Tensors;

namespace EdgeCluster.Silo.Tests.Protocol;

/// <summary>An independent client stack: Node's @grpc/grpc-js with the proto loaded at run time by @grpc/proto-loader.</summary>
[Collection(ProtocolFleetCollection.Name)]
public sealed class NodeClientTests(ProtocolFleetFixture fleet)
{
    private static readonly string ClientFolder = Path.Combine(AppContext.BaseDirectory, "node");

    [Fact]
    public async Task GrpcJsClient_ModelInferWithRawContents_GetsTheWholeModelsFloats()
    {
        if (!Directory.Exists(Path.Combine(ClientFolder, "node_modules")))
        {
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
        }

        var inputFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(inputFile, fleet.ResNetInput.Data);

            var output = await RunAsync("node", ["client.js", fleet.Fleet.Silos[2].Grpc, ProtocolFleetFixture.ResNet, ResNet18.InputName, "1,3,224,224", inputFile], TimeSpan.FromMinutes(2));

            using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            Assert.StartsWith("node-", json.RootElement.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Equal("resnet18", json.RootElement.GetProperty("model_name").GetString());
            var tensor = Assert.Single(json.RootElement.GetProperty("outputs").EnumerateArray().ToArray());
            Assert.Equal((ResNet18.OutputName, "FP32", "[1,512,1,1]"), (tensor.GetProperty("name").GetString(), tensor.GetProperty("datatype").GetString(), tensor.GetProperty("shape").GetRawText()));
            var values = tensor.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            Assert.InRange(TensorComparison.MaxAbsDiff(fleet.ResNetExpected, NamedTensor.FromFloats(ResNet18.OutputName, [1, 512, 1, 1], values)), 0, 1e-5);
        }
        finally
        {
            File.Delete(inputFile);
        }
    }

    private static async Task<string> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = ClientFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{program} {string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds:F0} s.");
        }

        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {await stderr}");
    }
}
