using Corrections.Editing.Evaluation;
using Spectre.Console;

namespace Corrections.Cli.Commands;

public static class ResultsTable
{
    public static Table Create(IEnumerable<ProtocolResult> rows)
    {
        // Narrow enough for an 80-column terminal; --json and the benchmark's markdown carry every field.
        // One model: its name goes in the title, not in every row.
        var list = rows.ToList();
        var oneModel = list.Select(r => r.Model).Distinct().Count() == 1;
        var table = new Table().Border(TableBorder.Simple);
        if (oneModel && list.Count > 0)
        {
            table.Title(list[0].Model);
        }
        else
        {
            table.AddColumn("model");
        }
        table.AddColumns("protocol", "method", "edits", "drawdown", "success", "steps", "error", "flips", "hold", "p50 ms");
        foreach (var r in list)
        {
            var cells = new List<string>();
            if (!oneModel)
            {
                cells.Add(r.Model);
            }
            cells.AddRange([r.Protocol, r.Method, $"{r.Edits}", Unit(Number(r.DrawdownPp, "F2"), " pp"), $"{r.SuccessRate:F0} %", $"{r.MeanSteps:F1}",
                $"{r.TestErrorPct:F1} %", $"{r.FlipRatePct:F1} %", r.HoldRatePct is double h ? $"{h:F0} %" : "", Number(r.LatencyP50Ms, "F1")]);
            table.AddRow([.. cells]);
        }
        return table;
    }

    private static string Unit(string number, string unit) => number.Length == 0 ? "" : number + unit;

    private static string Number(double value, string format) => double.IsNaN(value) || value == 0 ? "" : value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
