namespace Corrections.Http;

/// <summary>Who called: a producer (by its API key) or an operator (by the database login it proved); one of the two.</summary>
public sealed record Caller(string? Producer, string? Operator)
{
    /// <summary>The producer whose reports this caller may read; null for an operator, who may read every report.</summary>
    public string? ReportsOf => Producer;
}
