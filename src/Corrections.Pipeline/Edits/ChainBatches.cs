using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Edits;

/// <summary>Which waiting reports a chain's next candidate takes: how many, and which of them.</summary>
public static class ChainBatches
{
    /// <summary>
    /// Half as many reports as the last candidate carried when the gate rejected it (a batch edit of many corrections
    /// can cost more drawdown than each alone), twice as many when it promoted it, at most <paramref name="max"/>; the
    /// most for a chain without edits. On a burst, a chain whose batches of 32 kept failing the gate sent every report
    /// back to be edited alone; halving finds a size that passes in a few candidates.
    /// </summary>
    public static int Size(VersionStatus? lastStatus, int lastReports, int max) => lastStatus switch
    {
        null => max,
        VersionStatus.Rejected => Math.Max(1, lastReports / 2),
        _ => Math.Clamp(lastReports * 2, 1, max),
    };

    /// <summary>
    /// A report sent back alone (<see cref="Report.EditAlone"/>) is edited in a candidate of its own. So, from
    /// <paramref name="reports"/> in queue order, a pass takes the first alone when it is one of those, else the reports
    /// before the next one of those; the rest are removed and wait for the next pass.
    /// </summary>
    public static void TakeInTurn(List<Report> reports)
    {
        if (reports.Count == 0)
        {
            return;
        }
        if (reports[0].EditAlone)
        {
            reports.RemoveRange(1, reports.Count - 1);
            return;
        }
        var next = reports.FindIndex(r => r.EditAlone);
        if (next > 0)
        {
            reports.RemoveRange(next, reports.Count - next);
        }
    }
}
