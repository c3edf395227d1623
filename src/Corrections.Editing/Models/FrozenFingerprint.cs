namespace Corrections.Editing.Models;

/// <summary>What <see cref="EditableModel.FrozenFingerprint"/> returns: the count of frozen tensors, and the sum and sum of squares of their values.</summary>
public readonly record struct FrozenFingerprint(int Tensors, double Sum, double SumOfSquares);
