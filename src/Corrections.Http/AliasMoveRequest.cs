namespace Corrections.Http;

/// <summary>Body of a promotion or rollback: the accepted version production should point at, and why.</summary>
public sealed record AliasMoveRequest(int Version, string Reason);
