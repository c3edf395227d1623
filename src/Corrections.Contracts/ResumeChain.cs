namespace Corrections.Contracts;

/// <summary>
/// Command: build <see cref="Model"/>'s next candidate from the reports waiting, if its chain is free, and announce a
/// pending candidate again if its announcement looks lost. Sent when a candidate turned out to be decided already (a
/// redelivery) and by each worker's sweep for a chain with work but no recent progress: the repair for a crash between
/// a commit and its publish (there is no outbox). Harmless when nothing waits.
/// </summary>
public sealed record ResumeChain
{
    public required string Model { get; init; }
    public required DateTimeOffset At { get; init; }
}
