using System.Globalization;
using Spectre.Console;

namespace EdgeCluster.Client.Bench;

/// <summary>Prints the shaped-link figures: one row per cut with its latency at each rate, the planner's and the best cut marked.</summary>
public static class ShapedLinkTable
{
    public static void Write(IReadOnlyList<ShapedLinkFigures> figures)
    {
        if (figures.Count == 0)
        {
            return;
        }

        var table = new Table().AddColumns("cut", "after node", "bytes over the link");
        foreach (var rate in figures)
        {
            table.AddColumn($"{rate.Megabits:0.#} Mbit/s ms");
        }

        foreach (var cut in figures[0].Cuts)
        {
            var cells = new List<string> { Int(cut.Position), Markup.Escape(cut.AfterNode), cut.Bytes.ToString(CultureInfo.InvariantCulture) };
            foreach (var rate in figures)
            {
                var timed = rate.Cuts.Single(c => c.Position == cut.Position);
                var marks = (rate.BestSplit.StartsWith($"cut {Int(cut.Position)} ", StringComparison.Ordinal) ? " best" : "") + (rate.PlannerCuts.Contains(cut.Position) ? " planner" : "");
                cells.Add(timed.Milliseconds.ToString("F1", CultureInfo.InvariantCulture) + (timed.Runs > 1 ? $" (median of {timed.Runs})" : "") + marks);
            }

            table.AddRow(cells.ToArray());
        }

        AnsiConsole.Write(table);
        foreach (var rate in figures)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"[bold]shaped link {rate.Megabits:0.#} Mbit/s[/] (measured {rate.MeasuredMegabits:F1} Mbit/s, round trip {rate.RoundTripMilliseconds:F2} ms): planner cut {string.Join(",", rate.PlannerCuts)} {rate.PlannerMilliseconds:F1} ms (estimated {rate.PlannerEstimateMilliseconds:F1} ms), best {rate.BestSplit} {rate.BestMilliseconds:F1} ms (retimed {rate.FastestRetimedMilliseconds:F1} ms), x{rate.Ratio:F3} over {rate.FiguresRuns} requests each");
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
