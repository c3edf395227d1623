namespace Corrections.Editing.Training;

/// <summary>
/// The objective is task + <see cref="EditCoefficient"/>·editability + <see cref="StabilityCoefficient"/>·stability;
/// with <see cref="Editable"/> off it is the task loss alone (the plain-trained baseline, same loop and seed).
/// </summary>
public sealed record EditableTrainingOptions
{
    public int Epochs { get; init; } = 1;
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Gradient norm clip of the outer (Adam) step; second-order terms can spike.</summary>
    public double ClipNorm { get; init; } = 5;
    public bool Editable { get; init; } = true;
    public double EditCoefficient { get; init; } = 1;
    public double StabilityCoefficient { get; init; } = 1;

    /// <summary>Editor step limit during training (null: the editor's own); the model keeps its own limit for serving.</summary>
    public int? TrainingMaxSteps { get; init; }

    /// <summary>(input, target) pairs per training edit: &gt; 1 trains for batch edits.</summary>
    public int EditBatchSize { get; init; } = 1;
    public ControlSource Control { get; init; } = ControlSource.Minibatch;

    /// <summary>Control inputs per step; 0 means every minibatch row not edited. Fewer is cheaper, at some cost in locality.</summary>
    public int ControlBatchSize { get; init; }

    /// <summary>Pad-and-crop padding in pixels (0 = off).</summary>
    public int CropPadding { get; init; } = 2;
    public bool HorizontalFlip { get; init; } = true;
    public long Seed { get; init; }

    /// <summary>Caps the steps of each epoch (tests and quick benchmarks); null = the whole training set.</summary>
    public int? MaxStepsPerEpoch { get; init; }

    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 2 || LearningRate <= 0 || ClipNorm <= 0)
        {
            throw new ArgumentException("Epochs ≥ 1, batch size ≥ 2, learning rate > 0 and clip norm > 0 are required.");
        }
        if (EditBatchSize < 1 || EditBatchSize >= BatchSize || ControlBatchSize < 0 || ControlBatchSize > BatchSize - EditBatchSize)
        {
            throw new ArgumentException($"Edit batch size must lie in [1, {BatchSize - 1}] and control batch size in [0, {BatchSize - EditBatchSize}] (the minibatch rows not edited).");
        }
        if (EditCoefficient < 0 || StabilityCoefficient < 0)
        {
            throw new ArgumentException("Coefficients must not be negative.");
        }
    }
}
