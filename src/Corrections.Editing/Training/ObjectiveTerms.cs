using static TorchSharp.torch;

namespace Corrections.Editing.Training;

/// <summary>The named terms of one step's objective, before their coefficients; Editability/Stability are null in plain training.</summary>
public sealed record ObjectiveTerms(Tensor Task, Tensor? Editability, Tensor? Stability, bool EditSucceeded, int EditSteps);
