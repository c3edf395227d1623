namespace Corrections.Pipeline.Ingest;

/// <summary>
/// A report that cannot be used. <see cref="Code"/> is a stable, greppable class (<c>shape-mismatch</c>,
/// <c>non-finite</c>, …); the message says what was wrong in words an operator can act on.
/// </summary>
public sealed class InvalidReportException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>What the audit row and the rejection event carry: the class, then the explanation.</summary>
    public string Reason => $"{Code}: {Message}";
}
