using Corrections.Contracts;

namespace Corrections.Http;

/// <summary>
/// Inputs to predict on, in a report's input format (a float32 tensor or a PNG/JPEG), against one version: <see cref="Version"/>,
/// else <see cref="Alias"/>, else production; the <see cref="Top"/> most probable labels each (default 3).
/// </summary>
public sealed record PredictRequest
{
    public required IReadOnlyList<ReportedInput> Inputs { get; init; }
    public int? Version { get; init; }
    public string? Alias { get; init; }
    public int? Top { get; init; }
}
