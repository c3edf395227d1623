namespace Corrections.Editing.Lifelong;

/// <summary>Every figure of a stream after <see cref="Reports"/> reports; percentages in [0, 100].</summary>
public sealed record StreamCheckpoint
{
    public required int Reports { get; init; }

    /// <summary>Error on the shifted test split, which nobody reported.</summary>
    public required double ShiftedErrorPct { get; init; }

    /// <summary>Error on the clean test split: what the original distribution kept.</summary>
    public required double CleanErrorPct { get; init; }

    /// <summary>Share of every input reported so far that production predicts as corrected.</summary>
    public required double RetentionPct { get; init; }

    /// <summary>Share of the reports so far that production predicted as corrected right after their own correction.</summary>
    public required double EffectivePct { get; init; }

    /// <summary>Share of augmented views (crops, flips, noise) of reported inputs predicted as corrected.</summary>
    public required double ViewsPct { get; init; }

    /// <summary>Compute spent correcting so far (consolidations and retrainings included), in seconds.</summary>
    public required double CorrectSeconds { get; init; }

    /// <summary>Error of production's weights alone on the shifted test split, for a method with a memory (<see cref="IRemembers"/>); NaN otherwise.</summary>
    public double WeightsShiftedErrorPct { get; init; } = double.NaN;

    /// <summary>Corrections production's memory holds, for a method with one; null otherwise.</summary>
    public int? MemoryEntries { get; init; }

    /// <summary>Shifted training images looked at to find the reports so far.</summary>
    public required int Scanned { get; init; }

    /// <summary>Unexamined traffic served to a method that learns from it (<see cref="IObservesTraffic"/>); 0 otherwise.</summary>
    public int TrafficServed { get; init; }
}
