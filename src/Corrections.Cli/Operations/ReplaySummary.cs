using Corrections.Editing.Evaluation;
using Corrections.Registry;
using Corrections.Registry.Entities;
using Microsoft.EntityFrameworkCore;
using ScottPlot;
using Spectre.Console;

namespace Corrections.Cli.Operations;

/// <summary>What a replay measured: outcomes, event → promoted latency, throughput, and the versions it produced.</summary>
public sealed record ReplaySummary(
    string Model, int Reports, int Applied, int Backlogged, int Rejected, double OfferedRatePerSecond, double ElapsedSeconds,
    double CorrectionsPerMinute, double LatencyP50Ms, double LatencyP90Ms, double LatencyP99Ms, double LatencyMaxMs,
    string? ValidationSet, double? ErrorBeforePct, double? ErrorAfterPct, int? ProductionBefore, int? ProductionAfter,
    double ValidationMedianMs, double FullForwardMs, IReadOnlyList<ReplaySummary.VersionRow> Versions, string Machine, DateTimeOffset At)
{
    public sealed record VersionRow(int Version, string Status, int Corrections, double? ErrorPct, double? DrawdownPp, double? CumulativeDrawdownPp, double? ValidationMs, string? Reason);

    public static async Task<ReplaySummary> BuildAsync(
        RegistryDbContext db, ReplayCommand.Settings settings, IReadOnlyDictionary<Guid, DateTimeOffset> published,
        IReadOnlyDictionary<Guid, (ReportStatus Status, DateTimeOffset? AppliedAt)> outcomes, DateTimeOffset startedAt, TimeSpan elapsed,
        double fullForwardMs, CancellationToken cancellation)
    {
        var latencies = outcomes.Where(o => o.Value.AppliedAt is not null)
            .Select(o => (o.Value.AppliedAt!.Value - published[o.Key]).TotalMilliseconds).ToList();
        var applied = latencies.Count;
        var lastApplied = outcomes.Values.Where(o => o.AppliedAt is not null).Select(o => o.AppliedAt!.Value).DefaultIfEmpty(startedAt).Max();
        var firstPublished = published.Values.DefaultIfEmpty(startedAt).Min();
        var minutes = Math.Max((lastApplied - firstPublished).TotalMinutes, 1e-9);

        var modelId = await db.ModelIdAsync(settings.Model, cancellation);
        var versions = await db.Versions.AsNoTracking().Where(v => v.ModelId == modelId && v.CreatedAt >= startedAt).OrderBy(v => v.Number).ToListAsync(cancellation);
        var ids = versions.Select(v => v.Id).ToList();
        var validations = await db.Validations.AsNoTracking().Where(v => ids.Contains(v.VersionId) && v.Examples > 0 && v.SetName != "own-corrections" && v.SetName != "earlier-corrections" && v.SetName != "trigger-probe" && !v.SetName.StartsWith("worst-class:"))
            .OrderBy(v => v.Id).ToListAsync(cancellation);
        var set = validations.FirstOrDefault()?.SetName;
        var first = validations.Where(v => v.SetName == set).ToDictionary(v => v.VersionId);
        var counts = await db.Reports.AsNoTracking().Where(r => r.VersionId != null && ids.Contains(r.VersionId.Value))
            .GroupBy(r => r.VersionId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellation);
        var rows = versions.Select(v =>
        {
            first.TryGetValue(v.Id, out var f);
            return new VersionRow(v.Number, v.Status.ToString().ToLowerInvariant(), counts.GetValueOrDefault(v.Id), f?.ErrorRate * 100, f?.DrawdownPp, f?.CumulativeDrawdownPp, f?.DurationMs, v.StatusReason);
        }).ToList();

        var accepted = versions.Where(v => v.Status == VersionStatus.Accepted).ToList();
        var firstFigure = versions.Select(v => first.GetValueOrDefault(v.Id)).FirstOrDefault(f => f is not null);
        var lastAccepted = accepted.LastOrDefault();
        var productionBefore = versions.Count > 0 ? await db.Versions.Where(v => v.Id == versions[0].ParentId).Select(v => (int?)v.Number).SingleOrDefaultAsync(cancellation) : null;
        return new ReplaySummary(
            settings.Model, published.Count, applied,
            outcomes.Values.Count(o => o.Status == ReportStatus.Backlogged), outcomes.Values.Count(o => o.Status == ReportStatus.Rejected),
            settings.Rate, elapsed.TotalSeconds, applied / minutes,
            Metrics.Percentile(latencies, 50), Metrics.Percentile(latencies, 90), Metrics.Percentile(latencies, 99), latencies.DefaultIfEmpty(double.NaN).Max(),
            set, firstFigure?.ParentErrorRate * 100, lastAccepted is null ? firstFigure?.ParentErrorRate * 100 : first.GetValueOrDefault(lastAccepted.Id)?.ErrorRate * 100,
            productionBefore, lastAccepted?.Number ?? productionBefore,
            Metrics.Percentile([.. rows.Where(r => r.ValidationMs is not null).Select(r => r.ValidationMs!.Value)], 50), fullForwardMs, rows,
            $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}", DateTimeOffset.UtcNow);
    }

    public static void Print(ReplaySummary s, string? stem)
    {
        var outcome = new Table().Border(TableBorder.Simple).Title($"replay of {s.Reports} reports for {s.Model}")
            .AddColumns("applied", "backlogged", "rejected", "versions", "error before", "error after", "p50", "p99", "fixes/min", "validate / full pass");
        outcome.AddRow($"{s.Applied}", $"{s.Backlogged}", $"{s.Rejected}",
            $"{s.Versions.Count} ({s.Versions.Count(v => v.Status == "accepted")} promoted)",
            s.ErrorBeforePct is { } b ? $"{b:F2} % (v{s.ProductionBefore})" : "", s.ErrorAfterPct is { } a ? $"{a:F2} % (v{s.ProductionAfter})" : "",
            $"{s.LatencyP50Ms:F0} ms", $"{s.LatencyP99Ms:F0} ms", $"{s.CorrectionsPerMinute:F0}", $"{s.ValidationMedianMs:F0} / {s.FullForwardMs:F0} ms");
        AnsiConsole.Write(outcome);
        // The last versions tell the story; the JSON (and `corrections versions`) has every one.
        const int shown = 12;
        var title = s.Versions.Count > shown ? $"last {shown} of {s.Versions.Count} versions made" : "versions made";
        var versions = new Table().Border(TableBorder.Simple).Title($"{title} (validation set: {s.ValidationSet ?? "none"})")
            .AddColumns("v", "status", "fixes", "error", "drawdown", "cumulative", "validation", "reason");
        foreach (var v in s.Versions.TakeLast(shown))
        {
            versions.AddRow($"{v.Version}", v.Status, $"{v.Corrections}", v.ErrorPct is { } e ? $"{e:F2} %" : "", Pp(v.DrawdownPp), Pp(v.CumulativeDrawdownPp),
                v.ValidationMs is { } ms ? $"{ms:F0} ms" : "", Markup.Escape(v.Reason ?? ""));
        }
        AnsiConsole.Write(versions);
        if (stem is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"Wrote {stem}.json and {stem}.png");
        }
    }

    /// <summary>Validation error and cumulative drawdown over the versions the replay produced (promoted ones joined by a line).</summary>
    public static void Plot(ReplaySummary s, string path)
    {
        var plot = new Plot();
        var accepted = s.Versions.Where(v => v.Status == "accepted" && v.ErrorPct is not null).ToList();
        if (s.ProductionBefore is { } before && s.ErrorBeforePct is { } errorBefore)
        {
            // Where the chain started: the production version before the replay, its cumulative drawdown recovered from
            // the first candidate's figures (cumulative minus the drawdown against that very parent).
            var first = s.Versions.FirstOrDefault(v => v.CumulativeDrawdownPp is not null && v.DrawdownPp is not null);
            var cumulative = first is null ? 0 : first.CumulativeDrawdownPp!.Value - first.DrawdownPp!.Value;
            accepted.Insert(0, new VersionRow(before, "accepted", 0, errorBefore, 0, cumulative, null, null));
        }
        var rejected = s.Versions.Where(v => v.Status == "rejected" && v.ErrorPct is not null).ToList();
        if (accepted.Count > 0)
        {
            var error = plot.Add.ScatterLine(accepted.Select(v => (double)v.Version).ToArray(), accepted.Select(v => v.ErrorPct!.Value).ToArray());
            error.LegendText = "validation error of promoted versions (%)";
            var cumulative = plot.Add.ScatterLine(accepted.Select(v => (double)v.Version).ToArray(), accepted.Select(v => v.CumulativeDrawdownPp ?? 0).ToArray());
            cumulative.LegendText = "cumulative drawdown vs base (pp)";
        }
        if (rejected.Count > 0)
        {
            var marks = plot.Add.ScatterPoints(rejected.Select(v => (double)v.Version).ToArray(), rejected.Select(v => v.ErrorPct!.Value).ToArray());
            marks.LegendText = "rejected candidates (%)";
        }
        plot.Title($"{s.Model}: {s.Applied} corrections applied over {s.Versions.Count} versions");
        plot.XLabel("version");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 500);
    }

    private static string Pp(double? value) => value is { } v ? $"{v:+0.00;-0.00} pp" : "";
}
