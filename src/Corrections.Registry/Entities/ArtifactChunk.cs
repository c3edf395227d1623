namespace Corrections.Registry.Entities;

/// <summary>
/// One piece of a <see cref="StoredArtifact"/>, in order of <see cref="Index"/>: a ResNet-18 is ~45 MB, so a file is
/// written and read a chunk at a time instead of as one value a host must hold whole.
/// </summary>
public sealed class ArtifactChunk
{
    public required string Sha256 { get; set; }
    public int Index { get; set; }
    public required byte[] Data { get; set; }
}
