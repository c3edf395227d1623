namespace Corrections.Pipeline.Chain;

/// <summary>An operator's move of <see cref="Alias"/>: from which version to which, why, and by whom (the database login).</summary>
public sealed record AliasMoved(string Model, string Alias, int FromVersion, int ToVersion, bool Rollback, string Reason, string Actor);
