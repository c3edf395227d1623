using Corrections.Editing.Evaluation;
using Spectre.Console;

namespace Corrections.Cli.Commands;

public static class ResultsTable
{
    public static Table Create(IEnumerable<ProtocolResult> rows)
    {
        var table = new Table().AddColumns("model", "protocol", "method", "editor", "edits", "drawdown pp", "success %", "mean steps", "test error %", "flips %", "hold %", "p50 ms", "p99 ms");
        foreach (var r in rows)
        {
            table.AddRow(r.Model, r.Protocol, r.Method, r.Editor, $"{r.Edits}", Number(r.DrawdownPp, "F2"), $"{r.SuccessRate:F1}", $"{r.MeanSteps:F2}",
                $"{r.TestErrorPct:F2}", $"{r.FlipRatePct:F2}", r.HoldRatePct is double h ? $"{h:F1}" : "", Number(r.LatencyP50Ms, "F2"), Number(r.LatencyP99Ms, "F2"));
        }
        return table;
    }

    private static string Number(double value, string format) => double.IsNaN(value) || value == 0 ? "" : value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
