using System.Globalization;
using System.Text;
using System.Text.Json;
using Corrections.Cli.Console;

namespace Corrections.Cli.Benchmarks;

/// <summary>Writes a benchmark report as JSON (the record), markdown (for people and the README) and PNG plots.</summary>
public static class ReportWriter
{
    public static IReadOnlyList<string> Write(EditabilityReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, $"{report.Date}-editability");
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(report, Output.Json));
        File.WriteAllText(stem + ".md", Markdown(report));
        var plots = Plots.Write(report, stem);
        return [stem + ".json", stem + ".md", .. plots];
    }

    private static string Markdown(EditabilityReport r)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# Editability benchmark, {r.Date}");
        md.AppendLine();
        md.AppendLine(c, $"Command: `{r.Command}` — {r.Machine}; {r.TotalSeconds / 60:F1} min in all.");
        md.AppendLine();
        md.AppendLine("| model | train img/s | train s | test error % |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var model in r.TrainImagesPerS.Keys)
        {
            md.AppendLine(c, $"| {model} | {r.TrainImagesPerS[model]:F0} | {r.TrainSeconds[model]:F0} | {r.TestErrorPct[model]:F2} |");
        }
        md.AppendLine();
        md.AppendLine(c, $"Editable training costs {r.EditableCostRatio:F2}× plain training per image. Test set ({r.TestSetEvaluationMs["images"]:F0} images): full forward {r.TestSetEvaluationMs["full_forward"]:F0} ms, editable stages from cached features {r.TestSetEvaluationMs["from_cached_features"]:F0} ms. "
            + $"{r.EditMemory["edits"]:F0} consecutive edits: p50 {r.EditMemory["latency_p50_ms"]:F2} ms, p99 {r.EditMemory["latency_p99_ms"]:F2} ms, RSS {r.EditMemory["rss_after_100_mb"]:F0} → {r.EditMemory["rss_at_end_mb"]:F0} MB after the first 100. Peak RSS {r.PeakRssMb:F0} MB.");
        md.AppendLine();
        md.AppendLine("| model | protocol | method | editor | edits | drawdown pp | success % | mean steps | median steps | test error % | flips % | hold % | p50 ms | p99 ms |");
        md.AppendLine("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in r.Rows)
        {
            md.AppendLine(c, $"| {row.Model} | {row.Protocol} | {row.Method} | {row.Editor} | {row.Edits} | {Cell(row.DrawdownPp)} | {row.SuccessRate:F1} | {row.MeanSteps:F2} | {row.MedianSteps:F0} | {row.TestErrorPct:F2} | {row.FlipRatePct:F2} | {(row.HoldRatePct is double h ? h.ToString("F1", c) : "")} | {Cell(row.LatencyP50Ms)} | {Cell(row.LatencyP99Ms)} |");
        }
        md.AppendLine();
        md.AppendLine(c, $"The plain model is edited at editor learning rate {r.PlainEditorLearningRate:G3}, the best of a sweep at 100 % success (paper protocol on other inputs than the table's). "
            + $"Against it, the editable model's paper-protocol drawdown is {r.PaperDrawdownRatio:F2}× lower, at a test-error cost of {r.EditableTestErrorCostPp:+0.00;-0.00} pp for the same epochs.");
        md.AppendLine();
        md.AppendLine("| plain editor lr | drawdown pp | success % | mean steps | edits |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var s in r.PlainEditorSweep)
        {
            md.AppendLine(c, $"| {s.LearningRate:G3} | {s.DrawdownPp:F2} | {s.SuccessRate:F1} | {s.MeanSteps:F2} | {s.Edits} |");
        }
        if (r.Ablation.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Cheaper formulations (1 epoch each; paper protocol, 200 edits, drawdown on test[:2000]):");
            md.AppendLine();
            md.AppendLine("| variant | img/s | cost vs plain | test error % | drawdown pp | success % | mean steps |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var a in r.Ablation)
            {
                md.AppendLine(c, $"| {a.Variant} | {a.ImagesPerS:F0} | {a.CostRatio:F2}× | {a.TestErrorPct:F2} | {a.DrawdownPp:F2} | {a.SuccessRate:F1} | {a.MeanSteps:F2} |");
            }
        }
        return md.ToString();
    }

    private static string Cell(double value) => double.IsNaN(value) ? "" : value.ToString("F2", CultureInfo.InvariantCulture);
}
