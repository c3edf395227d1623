namespace Corrections.Http;

/// <summary>
/// A retraining run was asked of the scheduler cluster: <see cref="Trigger"/> appears in the run's version's
/// <c>createdBy</c>; the version's gate verdict follows in the model's versions.
/// </summary>
public sealed record RetrainAccepted(string Model, string Trigger, int Corrections, string RequestedBy);
