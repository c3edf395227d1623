namespace Corrections.Contracts;

/// <summary>An operator moved alias <see cref="Alias"/> of <see cref="Model"/> back from <see cref="FromVersion"/> to <see cref="Version"/>.</summary>
public sealed record ModelRolledBack
{
    public required string Model { get; init; }
    public required string Alias { get; init; }
    public required int FromVersion { get; init; }
    public required int Version { get; init; }
    public required string Reason { get; init; }
    public required string Actor { get; init; }
    public required DateTimeOffset RolledBackAt { get; init; }

    /// <summary>
    /// The SHA-256 of <see cref="Artifact"/> (its <c>.ctm</c>), the ETag the API serves it with: a serving system that
    /// already holds a file of this hash need not fetch it. Null when the announcer could not materialise the file.
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>
    /// Where the version's model file is, whole, on the HTTP API (relative to it; a producer's key; <c>?format=safetensors</c>
    /// for other tools). Its ETag is the file's SHA-256, so a serving system fetches it once.
    /// </summary>
    public string Artifact => $"/v1/models/{Uri.EscapeDataString(Model)}/versions/{Version}/artifact";
}
