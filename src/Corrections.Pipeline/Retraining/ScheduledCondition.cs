namespace Corrections.Pipeline.Retraining;

/// <summary>
/// What a scheduled retraining run needs before it trains; a run asked for by hand needs only something to fold.
/// <list type="bullet">
/// <item>At least <see cref="MinCorrections"/> corrections wait to be folded in: with a frequent cron, "retrain once the
/// backlog reaches N".</item>
/// <item>At least one of them was never in a retrain yet. Training is seeded, so a retrain on the same start and the
/// same corrections as a rejected one would only be rejected again, on every fire of the cron; it waits for a new
/// correction (or an operator) instead.</item>
/// </list>
/// </summary>
public sealed record ScheduledCondition(int MinCorrections)
{
    public const string NotYet = "not-yet";
    public const string NotAgain = "not-again";

    /// <summary>Why a scheduled run would not train on these corrections (a code for metrics, and a note), or null when it would.</summary>
    /// <param name="waiting">Corrections not folded into an accepted retrain.</param>
    /// <param name="neverTried">Those among them that no rejected retrain had folded in.</param>
    public (string Code, string Note)? Refusal(int waiting, int neverTried) =>
        waiting < MinCorrections ? (NotYet, $"not yet: {waiting} corrections to fold, fewer than the schedule's minimum of {MinCorrections}")
        : neverTried == 0 ? (NotAgain, $"not again: all {waiting} corrections were in a retrain the gate rejected, and none arrived since; a run by hand (corrections retrain) still goes")
        : null;

    /// <summary>
    /// Why a run would not train, or null when it would: nothing waits (any run), or a scheduled run's
    /// <paramref name="scheduled"/> refuses (a run by hand passes null). The one decision the run and
    /// <c>corrections schedules</c> both show.
    /// </summary>
    public static (string Code, string Note)? Skip(ScheduledCondition? scheduled, int waiting, int neverTried) =>
        waiting == 0 ? (RetrainOutcome.NothingToFold, "nothing to fold: no applied or backlogged correction since the last retrain")
        : scheduled?.Refusal(waiting, neverTried);
}
