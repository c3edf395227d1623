namespace Corrections.Pipeline.Gate;

/// <summary>
/// A configured validation set could not be loaded. Not a <see cref="Corrections.Editing.Data.DataFormatException"/>
/// on purpose: the gate rejects a candidate whose model file is broken, but a broken validation set says nothing about
/// the candidate, so it must stop the gate (and the worker at start), never reject and backlog.
/// </summary>
public sealed class ValidationSetUnusableException(string set, string reason, Exception inner)
    : Exception($"Validation set '{set}' cannot be loaded: {reason}", inner)
{
    public string Set { get; } = set;
}
