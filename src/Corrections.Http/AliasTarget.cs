namespace Corrections.Http;

/// <summary>The version an alias names now, with the SHA-256 of its stored artifact.</summary>
public sealed record AliasTarget(string Model, string Alias, int Version, string Sha256, string Kind, string Status);
