namespace Corrections.Pipeline.Producers;

/// <summary>
/// What revoking a producer did to one model: production moved back from <see cref="FromVersion"/> to
/// <see cref="ToVersion"/>, the newest accepted version without its corrections, and <see cref="Withdrawn"/> applied
/// corrections went back to the backlog (<see cref="OfProducer"/> of them the producer's own, which retraining never
/// folds). <see cref="ToVersion"/> is null when no accepted version is free of them (production is left as it is).
/// </summary>
public sealed record Withdrawal(string Model, int FromVersion, int? ToVersion, int Withdrawn, int OfProducer);
