namespace Corrections.Registry.Entities;

/// <summary>
/// A version file held in the database for hosts that share no directory, under its SHA-256 (the hash the version's
/// row records). The row is written last, in the transaction that wrote the chunks, so its presence means the content is
/// whole. Content never changes: the writer may insert, not update.
/// </summary>
public sealed class StoredArtifact
{
    public required string Sha256 { get; set; }
    public long Bytes { get; set; }
    public int Chunks { get; set; }
    public DateTimeOffset StoredAt { get; set; }
}
