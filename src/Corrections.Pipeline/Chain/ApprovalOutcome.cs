namespace Corrections.Pipeline.Chain;

/// <summary>
/// What an operator's decision on a candidate awaiting approval did: <see cref="Promoted"/> it (production was
/// <see cref="ProductionVersion"/>), or not (refused, or production had moved and its reports are edited again).
/// </summary>
public sealed record ApprovalOutcome(string Model, int Version, int? ProductionVersion, bool Promoted, int Reports);
