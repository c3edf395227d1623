namespace Corrections.Pipeline.Gate;

/// <summary>What <c>/health</c> says of one validation set: loaded with its examples and the files it skipped, or the error that makes it unusable.</summary>
public sealed record ValidationSetState(string Name, int Examples, IReadOnlyList<string> Skipped, string? Error);
