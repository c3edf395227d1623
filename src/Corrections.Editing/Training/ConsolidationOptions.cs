namespace Corrections.Editing.Training;

/// <summary>
/// A consolidation: a short fine-tuning that folds corrections into the weights. Each step trains on
/// <see cref="CorrectionBatch"/> corrections (augmented) and <see cref="CleanBatch"/> clean training images, with a
/// stability term KL(anchor ‖ model) on the clean images that keeps the original distribution where it was.
/// </summary>
public sealed record ConsolidationOptions
{
    /// <summary>The most steps a consolidation takes.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>
    /// When set, a consolidation takes only enough steps to show each correction this many times (at most
    /// <see cref="Steps"/>): 150 steps on the first 100 corrections showed each 48 times and raised the shifted error
    /// the corrections were meant to lower (the tuning runs in bench/README.md).
    /// </summary>
    public int? PassesOverCorrections { get; init; }

    /// <summary>The steps for <paramref name="corrections"/> corrections.</summary>
    public int StepsFor(int corrections) => PassesOverCorrections is int passes
        ? Math.Clamp((int)Math.Ceiling((double)passes * corrections / CorrectionBatch), 1, Steps)
        : Steps;
    public double LearningRate { get; init; } = 1e-3;
    public int CorrectionBatch { get; init; } = 32;
    public int CleanBatch { get; init; } = 96;

    /// <summary>
    /// Rows of pseudo-labelled traffic added to every step when a consolidation is given some
    /// (<see cref="Lifelong.ObservedTraffic"/>); 0 for none.
    /// </summary>
    public int PseudoBatch { get; init; } = 32;

    /// <summary>Weight of KL(anchor ‖ model) on the clean images.</summary>
    public double AnchorCoefficient { get; init; } = 1;

    /// <summary>
    /// Keep Editable Training's terms (an in-graph edit of a clean image, stability of the other rows) so that the
    /// consolidated model stays editable; off is the plain fine-tuning of the naive baseline.
    /// </summary>
    public bool Editable { get; init; }

    /// <summary>
    /// Std of Gaussian pixel noise added to the correction rows (after crop and flip), 0 for none: a report is one
    /// photograph of its input, and a fix that holds only for those pixels is a lookup.
    /// </summary>
    public double CorrectionNoise { get; init; }

    /// <summary>
    /// Share of the last steps whose weights are averaged into the consolidated version (0: the last step's weights).
    /// The average of the tail of a short fine-tuning varies less from one consolidation to the next than its last
    /// iterate, which is what makes production's error on unreported inputs rise between consolidations.
    /// </summary>
    public double AverageTail { get; init; }

    public int CropPadding { get; init; } = 2;
    public bool HorizontalFlip { get; init; } = true;
    public double ClipNorm { get; init; } = 5;
    public long Seed { get; init; }

    public void Validate()
    {
        if (PassesOverCorrections is < 1)
        {
            throw new ArgumentException("Passes over the corrections must be at least 1.");
        }
        if (CorrectionNoise is < 0 or > 1 || AverageTail is < 0 or > 1)
        {
            throw new ArgumentException("The correction noise lies in [0, 1] and the averaged tail share in [0, 1].");
        }
        if (Steps < 1 || LearningRate <= 0 || CorrectionBatch < 1 || CleanBatch < 2 || PseudoBatch < 0 || AnchorCoefficient < 0 || ClipNorm <= 0)
        {
            throw new ArgumentException("A consolidation needs steps ≥ 1, a positive learning rate and clip norm, batches of ≥ 1 correction, ≥ 2 clean images and ≥ 0 pseudo-labelled ones, and a non-negative anchor coefficient.");
        }
    }
}
