using System.CommandLine;
using System.Globalization;
using EdgeCluster.Client.Output;
using EdgeCluster.Onnx.Graph;
using EdgeCluster.Onnx.Partitioning;
using Spectre.Console;

namespace EdgeCluster.Client.Commands;

public static class PlanCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An .onnx file, or a built-in model: resnet18, transformer, two-branch, unet" };
        var stages = CommonOptions.Stages(3);
        var dims = DimOptions.Create();
        var json = CommonOptions.Json();
        var command = new Command("plan", "Show how a model would be split into stages") { model, stages, dims, json };
        command.SetAction(result =>
        {
            var (name, content) = ModelSource.Load(result.GetValue(model)!);
            var analysis = GraphAnalysis.Analyze(OnnxGraph.Load(content, name), DimOptions.Parse(result.GetValue(dims)));
            var plan = ModelPartitioner.Plan(analysis, result.GetValue(stages));
            AnsiConsole.MarkupLineInterpolated($"[bold]{name}[/]: {analysis.NodeCount} nodes, {analysis.TotalFlops / 1e9:F2} GFLOPs, {analysis.ValidCuts.Count} valid cut points");
            var table = new Table().AddColumns("stage", "nodes", "first → last", "FLOPs share", "weights", "boundary out", "bytes out");
            foreach (var stage in plan.Stages)
            {
                table.AddRow(
                    stage.Index.ToString(CultureInfo.InvariantCulture),
                    stage.NodeCount.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape($"{stage.FirstNode} → {stage.LastNode}"),
                    stage.FlopsShare.ToString("P1", CultureInfo.InvariantCulture),
                    Tables.Bytes(stage.WeightBytes),
                    Markup.Escape(string.Join(Environment.NewLine, stage.Outputs.Select(t => $"{t.Name} {t.ElementType}[{string.Join(",", t.Shape)}]"))),
                    Tables.Bytes(stage.OutputBytes));
            }

            AnsiConsole.Write(table);
            if (result.GetValue(json))
            {
                JsonLine.Write(new
                {
                    model = name,
                    stages = plan.Stages.Select(s => new
                    {
                        index = s.Index,
                        nodes = s.NodeCount,
                        flops_share = Math.Round(s.FlopsShare, 6),
                        weight_bytes = s.WeightBytes,
                        boundary = s.Outputs.Select(t => new { name = t.Name, shape = t.Shape, bytes = t.Bytes }),
                    }),
                    cuts = plan.Cuts,
                });
            }

            return 0;
        });
        return command;
    }
}
