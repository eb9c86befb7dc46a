using System.CommandLine;
using System.Globalization;
using EdgeCluster.Client.Output;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Verification;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

public static class VerifyCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An .onnx file, or a built-in model: resnet18, transformer, two-branch, unet" };
        var stages = CommonOptions.Stages(3);
        var seed = CommonOptions.Seed();
        var dims = DimOptions.Create();
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Allowed max abs difference relative to the largest output magnitude",
            DefaultValueFactory = _ => 1e-4,
        };
        var command = new Command("verify", "Split a model, run the stages chained in-process and compare with the whole model") { model, stages, seed, dims, tolerance };
        command.SetAction(result =>
        {
            var (name, content) = ModelSource.Load(result.GetValue(model)!);
            var verification = SplitVerifier.Verify(
                OnnxGraph.Load(content, name), result.GetValue(stages), result.GetValue(seed), DimOptions.Parse(result.GetValue(dims)), result.GetValue(tolerance));

            var table = new Table().AddColumns("output", "shape", "max abs diff", "reference max abs", "cosine");
            foreach (var output in verification.Outputs)
            {
                table.AddRow(Markup.Escape(output.Name), string.Join("x", output.Shape),
                    output.MaxAbsDiff.ToString("E3", CultureInfo.InvariantCulture),
                    output.ReferenceMaxAbs.ToString("G6", CultureInfo.InvariantCulture),
                    output.CosineSimilarity.ToString("F8", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            for (var i = 0; i < verification.Cuts.Count; i++)
            {
                AnsiConsole.MarkupLineInterpolated($"cut {i + 1}: {string.Join(", ", verification.Cuts[i])}");
            }

            AnsiConsole.MarkupLineInterpolated(
                $"{(verification.Ok ? "[green]ok[/]" : "[red]MISMATCH[/]")}: max abs diff {verification.MaxAbsDiff:E3}, tolerance {verification.Tolerance:E3}");
            JsonLine.Write(new Dictionary<string, object>
            {
                ["model"] = verification.Model,
                ["stages"] = verification.Stages,
                ["cuts"] = verification.Cuts,
                ["max_abs_diff"] = verification.MaxAbsDiff,
                ["ok"] = verification.Ok,
            });
            return verification.Ok ? 0 : 1;
        });
        return command;
    }
}
