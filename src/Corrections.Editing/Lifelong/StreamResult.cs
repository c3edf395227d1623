namespace Corrections.Editing.Lifelong;

/// <summary>One method's run over one stream: its curves (the first checkpoint is before any report) and costs.</summary>
public sealed record StreamResult
{
    public required string Method { get; init; }
    public required string Shift { get; init; }
    public required IReadOnlyDictionary<string, string> Settings { get; init; }
    public required IReadOnlyList<StreamCheckpoint> Checkpoints { get; init; }

    /// <summary>Whether the shifted training split ran out of mistakes before the stream's length.</summary>
    public required bool Exhausted { get; init; }

    /// <summary>Per-report correction time, median and 99th percentile, in milliseconds.</summary>
    public required double CorrectP50Ms { get; init; }
    public required double CorrectP99Ms { get; init; }
    public required double CorrectMaxMs { get; init; }
    public required double Seconds { get; init; }

    public StreamCheckpoint Start => Checkpoints[0];
    public StreamCheckpoint End => Checkpoints[^1];
}
