using System.ComponentModel.DataAnnotations;

namespace Corrections.Pipeline.Scheduling;

/// <summary>One entry of <c>Retraining:Schedules</c>: retrain <see cref="Model"/> on a Quartz cron expression.</summary>
public sealed class RetrainingSchedule
{
    [Required, RegularExpression("^[a-z0-9][a-z0-9._-]{0,63}$")]
    public string Model { get; set; } = "";

    /// <summary>Quartz cron, seconds first: <c>0 0 3 * * ?</c> is every night at 03:00 (UTC unless the host says otherwise).</summary>
    [Required]
    public string Cron { get; set; } = "";

    /// <summary>
    /// Retrain only when at least this many corrections wait to be folded in (applied or backlogged since the last
    /// accepted retrain); a fire with fewer does nothing. With a frequent cron this is "retrain once the backlog
    /// reaches N": after a burst that sent most reports to the backlog, the next fire folds them in. A run asked for
    /// by hand ignores it.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MinCorrections { get; set; } = 1;
}
