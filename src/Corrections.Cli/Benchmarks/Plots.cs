using ScottPlot;

namespace Corrections.Cli.Benchmarks;

/// <summary>The two curves that say more than the table: drawdown as corrections accumulate, and drawdown per protocol.</summary>
public static class Plots
{
    public static IReadOnlyList<string> Write(EditabilityReport report, string stem)
    {
        var sequential = stem + "-sequential.png";
        var plot = new Plot();
        foreach (var row in report.Rows.Where(r => r.Protocol == "sequential" && r.Curve is { Count: > 0 }))
        {
            var xs = Enumerable.Range(1, row.Curve!.Count).Select(i => (double)i).ToArray();
            var line = plot.Add.ScatterLine(xs, row.Curve.ToArray());
            line.LegendText = $"{row.Model} model, {row.Method}";
        }
        plot.Title("Sequential corrections on Fashion-MNIST");
        plot.XLabel("corrections applied");
        plot.YLabel("cumulative drawdown (pp)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(sequential, 900, 500);

        var bars = stem + "-drawdown.png";
        var chart = new Plot();
        var editorRows = report.Rows.Where(r => r.Method == "editor" && !double.IsNaN(r.DrawdownPp)).ToList();
        var protocols = editorRows.Select(r => r.Protocol).Distinct().ToList();
        var models = editorRows.Select(r => r.Model).Distinct().ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var list = new List<Bar>();
        for (var p = 0; p < protocols.Count; p++)
        {
            for (var m = 0; m < models.Count; m++)
            {
                var row = editorRows.FirstOrDefault(r => r.Protocol == protocols[p] && r.Model == models[m]);
                if (row is not null)
                {
                    list.Add(new Bar { Position = p * (models.Count + 1) + m, Value = row.DrawdownPp, FillColor = palette.GetColor(m) });
                }
            }
        }
        chart.Add.Bars(list);
        chart.Axes.Bottom.SetTicks(protocols.Select((_, p) => p * (models.Count + 1) + (models.Count - 1) / 2.0).ToArray(), [.. protocols]);
        for (var m = 0; m < models.Count; m++)
        {
            chart.Legend.ManualItems.Add(new LegendItem { LabelText = $"{models[m]} model", FillColor = palette.GetColor(m) });
        }
        chart.ShowLegend(Alignment.UpperRight);
        chart.Title("Drawdown of the editor, per protocol");
        chart.YLabel("drawdown (pp)");
        chart.SavePng(bars, 900, 500);
        return [sequential, bars];
    }
}
