namespace Corrections.Editing.Lifelong;

public sealed record StreamOptions
{
    /// <summary>Reports in the stream: mistakes of the current production on shifted training images.</summary>
    public int Reports { get; init; } = 2000;

    /// <summary>A checkpoint (every figure measured) after this many reports.</summary>
    public int Every { get; init; } = 100;

    /// <summary>Seeds the order in which shifted training images are met, and the augmented views.</summary>
    public long Seed { get; init; } = 20261201;

    /// <summary>Augmented views per reported input for the generalisation figure.</summary>
    public int Views { get; init; } = 6;

    /// <summary>Reported inputs (a fixed sample) whose augmented views are measured at each checkpoint.</summary>
    public int ViewSample { get; init; } = 300;

    public void Validate()
    {
        if (Reports < 1 || Every < 1 || Views < 3 || ViewSample < 1)
        {
            throw new ArgumentException("A stream needs ≥ 1 report, a checkpoint every ≥ 1 report, ≥ 3 views and a view sample of ≥ 1.");
        }
    }
}
