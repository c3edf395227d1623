using Corrections.Editing.Lifelong;
using ScottPlot;

namespace Corrections.Cli.Benchmarks;

/// <summary>The stream's curves: shifted held-out error, retention and clean error as reports accumulate, per method.</summary>
public static class LifelongPlots
{
    public static IReadOnlyList<string> Write(IReadOnlyList<StreamResult> results, string shift, string stem)
    {
        (string Suffix, string Title, string Axis, Func<StreamCheckpoint, double> Figure)[] panels =
        [
            ("shifted", $"Error on the shifted test split ({shift}), which nobody reported", "shifted test error (%)", c => c.ShiftedErrorPct),
            ("retention", "Reported inputs still predicted as corrected", "retention (%)", c => c.RetentionPct),
            ("clean", "Error on the clean test split", "clean test error (%)", c => c.CleanErrorPct),
        ];
        var files = new List<string>();
        foreach (var (suffix, title, axis, figure) in panels)
        {
            var plot = new Plot();
            foreach (var result in results)
            {
                var xs = result.Checkpoints.Select(c => (double)c.Reports).ToArray();
                var ys = result.Checkpoints.Select(figure).ToArray();
                var line = result.Checkpoints.Count == 1 || result.Method is "none" or "oracle"
                    ? plot.Add.HorizontalLine(ys[0])
                    : (IHasLegendText)plot.Add.ScatterLine(xs, ys);
                line.LegendText = result.Method;
            }
            plot.Title(title);
            plot.XLabel("reports");
            plot.YLabel(axis);
            plot.ShowLegend(Alignment.UpperRight);
            var path = $"{stem}-{suffix}.png";
            plot.SavePng(path, 1000, 560);
            files.Add(path);
        }
        return files;
    }
}
