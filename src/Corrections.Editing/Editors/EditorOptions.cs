namespace Corrections.Editing.Editors;

/// <summary>
/// How an edit is made. The learning rate (and, with <see cref="LearnBetas"/>, the decay rates) are starting values:
/// Editable Training learns them together with the network.
/// </summary>
public sealed record EditorOptions
{
    public EditorKind Kind { get; init; } = EditorKind.GradientDescent;
    public EditLossKind Loss { get; init; } = EditLossKind.Margin;
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Momentum coefficient μ, RMSProp decay ρ or Adam β1, depending on <see cref="Kind"/>.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β2.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>
    /// Added under the square root of RMSProp and Adam denominators: sqrt(s + ε) keeps the second-order graph finite
    /// where a gradient is exactly zero (the derivative of sqrt at 0 is infinite).
    /// </summary>
    public double Epsilon { get; init; } = 1e-8;
    public int MaxSteps { get; init; } = 10;
    public bool LearnLearningRate { get; init; } = true;
    public bool LearnBetas { get; init; }

    public void Validate()
    {
        if (LearningRate <= 0 || !double.IsFinite(LearningRate))
        {
            throw new ArgumentException($"Editor learning rate must be a positive number, got {LearningRate}.");
        }
        if (Beta1 is <= 0 or >= 1 || Beta2 is <= 0 or >= 1)
        {
            throw new ArgumentException($"Editor betas must lie in (0, 1), got {Beta1} and {Beta2}.");
        }
        if (MaxSteps < 1)
        {
            throw new ArgumentException($"Editor max steps must be at least 1, got {MaxSteps}.");
        }
        if (Epsilon <= 0)
        {
            throw new ArgumentException($"Editor epsilon must be positive, got {Epsilon}.");
        }
    }
}
