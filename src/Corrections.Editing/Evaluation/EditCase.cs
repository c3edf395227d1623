namespace Corrections.Editing.Evaluation;

/// <summary>One requested edit: input <see cref="Index"/> of a source set should be classified as <see cref="Target"/>.</summary>
public readonly record struct EditCase(int Index, long Target);
