namespace Corrections.Pipeline.Scheduling;

/// <summary>
/// One model's retraining schedule as the cluster's Quartz store holds it, with what its next fire would do with the
/// corrections waiting now.
/// </summary>
/// <param name="Model">The model the schedule retrains.</param>
/// <param name="Cron">Its Quartz cron expression.</param>
/// <param name="MinCorrections">How many corrections must wait before a fire trains.</param>
/// <param name="PreviousFire">When it last fired (whether or not that fire trained).</param>
/// <param name="NextFire">When it fires next.</param>
/// <param name="Waiting">Corrections not folded into an accepted retrain.</param>
/// <param name="NeverTried">Those among them that no rejected retrain had folded in.</param>
/// <param name="NextFireWould">"train on N corrections", or why it would not (the run's own note).</param>
public sealed record ScheduledRetraining(
    string Model, string Cron, int MinCorrections, DateTimeOffset? PreviousFire, DateTimeOffset? NextFire, int Waiting, int NeverTried, string NextFireWould);
