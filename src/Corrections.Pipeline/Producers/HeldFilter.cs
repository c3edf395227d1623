namespace Corrections.Pipeline.Producers;

/// <summary>Which held reports an operator means: these ids, or every held report of a producer and/or a model.</summary>
public sealed record HeldFilter(IReadOnlyList<Guid> Ids, string? Producer, string? Model)
{
    public bool IsEmpty => Ids.Count == 0 && Producer is null && Model is null;
}
