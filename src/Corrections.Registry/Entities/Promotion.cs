namespace Corrections.Registry.Entities;

/// <summary>Append-only log of alias moves: every promotion and rollback, who did it and why.</summary>
public sealed class Promotion
{
    public long Id { get; set; }
    public int ModelId { get; set; }
    public required string Alias { get; set; }
    public long? FromVersionId { get; set; }
    public long ToVersionId { get; set; }
    public bool IsRollback { get; set; }
    public required string Reason { get; set; }
    public required string Actor { get; set; }
    public DateTimeOffset At { get; set; }
}
