using Corrections.Editing.Lifelong;

namespace Corrections.Cli.Benchmarks;

/// <summary>One method's stream in the figures of the targets; the gap is the one between start and oracle.</summary>
public sealed record LifelongSummary
{
    public required string Method { get; init; }
    public required int Reports { get; init; }
    public required double ShiftedStartPct { get; init; }
    public required double ShiftedEndPct { get; init; }

    /// <summary>Share of the start-to-oracle gap on the shifted test split closed at the end; NaN without an oracle.</summary>
    public required double GapClosedPct { get; init; }

    /// <summary>The largest rise of shifted test error from one checkpoint to any later one, in pp (0: never got worse).</summary>
    public required double WorstRisePp { get; init; }
    public required double CleanDeltaPp { get; init; }

    /// <summary>
    /// The highest clean test error at any checkpoint against the start's, in pp: the target "clean error ≤ start +
    /// 0.3 pp" holds for production all along the stream, not only at its end.
    /// </summary>
    public required double WorstCleanPp { get; init; }
    public required double RetentionPct { get; init; }
    public required double EffectivePct { get; init; }
    public required double ViewsPct { get; init; }
    public required double CorrectSeconds { get; init; }
    public required double CorrectP50Ms { get; init; }
    public required double CorrectP99Ms { get; init; }

    public static LifelongSummary Of(StreamResult result, double? oracleShiftedPct)
    {
        var shifted = result.Checkpoints.Select(c => c.ShiftedErrorPct).ToArray();
        var rise = 0.0;
        for (var i = 0; i < shifted.Length; i++)
        {
            for (var j = i + 1; j < shifted.Length; j++)
            {
                rise = Math.Max(rise, shifted[j] - shifted[i]);
            }
        }
        var gap = oracleShiftedPct is double oracle && result.Start.ShiftedErrorPct - oracle > 0
            ? 100 * (result.Start.ShiftedErrorPct - result.End.ShiftedErrorPct) / (result.Start.ShiftedErrorPct - oracle)
            : double.NaN;
        return new LifelongSummary
        {
            Method = result.Method,
            Reports = result.End.Reports,
            ShiftedStartPct = result.Start.ShiftedErrorPct,
            ShiftedEndPct = result.End.ShiftedErrorPct,
            GapClosedPct = gap,
            WorstRisePp = rise,
            CleanDeltaPp = result.End.CleanErrorPct - result.Start.CleanErrorPct,
            WorstCleanPp = result.Checkpoints.Max(c => c.CleanErrorPct) - result.Start.CleanErrorPct,
            RetentionPct = result.End.RetentionPct,
            EffectivePct = result.End.EffectivePct,
            ViewsPct = result.End.ViewsPct,
            CorrectSeconds = result.End.CorrectSeconds,
            CorrectP50Ms = result.CorrectP50Ms,
            CorrectP99Ms = result.CorrectP99Ms,
        };
    }
}
