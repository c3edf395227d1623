namespace Corrections.Editing.Evaluation;

/// <summary>A label and the probability a model gives it (softmax of its logits, the memory's override included).</summary>
public sealed record LabelProbability(int Label, double Probability);
