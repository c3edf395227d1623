using Corrections.Editing.Training;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// The product's design for a stream of corrections: every report takes effect at once through the
/// <see cref="Correcting.CorrectionMemory"/>, and every <see cref="ConsolidateEvery"/> reports a consolidation folds
/// all corrections so far into the weights (anchored to the start version, Editable Training's terms kept) and the
/// memory is rebuilt with only the corrections the new weights do not make.
/// </summary>
public sealed record LifelongOptions
{
    /// <summary>Where the memory keys its entries and how far its radii reach.</summary>
    public Correcting.MemoryOptions Memory { get; init; } = new();

    public int ConsolidateEvery { get; init; } = 100;

    /// <summary>
    /// Tuned on the blur shift (bench/README.md): learning rate 3e-4, 16 passes over the corrections, at most 300 steps
    /// (a cap for cost, which 500 blur reports do not reach), KL to the start × 0.3.
    /// </summary>
    public ConsolidationOptions Consolidation { get; init; } = new() { Editable = true, Steps = 300, PassesOverCorrections = 16, LearningRate = 3e-4, AnchorCoefficient = 0.3 };

    /// <summary>
    /// Whether each consolidation starts from the start version (a function of the corrections so far, so drift cannot
    /// build up from one consolidation to the next) rather than from the version before it.
    /// </summary>
    public bool FromStart { get; init; }

    /// <summary>
    /// Whether the KL term anchors each consolidation to the version before it (as naive consolidation does) rather than
    /// to the start version.
    /// </summary>
    public bool AnchorToPrevious { get; init; }

    /// <summary>
    /// A second recipe folded beside the design's at every consolidation; each is held to the clean limit, and the one
    /// whose weights do best on the <see cref="ShiftGate"/>'s slice goes on (ties: the design's). No recipe won every
    /// shift: the design's did on blur and rotation, naive's plain fine-tuning at 1e-3 on noise (bench/README.md,
    /// sixth round), so the stream's own shifted data choose. Needs the shift gate; null: the design's recipe alone.
    /// </summary>
    public ConsolidationRecipe? Alternative { get; init; }

    /// <summary>A consolidation is refused when it costs more than this on the clean validation set, against the start.</summary>
    public double CleanLimitPp { get; init; } = 0.3;

    /// <summary>
    /// When a consolidation costs more than <see cref="CleanLimitPp"/>, the versions these shares of the way from the
    /// weights it started from to its own (<see cref="Training.WeightInterpolation"/>) are tried in turn, each with its
    /// memory rebuilt, and the first within the limit goes on to the shift's checks; empty: the consolidation is refused.
    /// At a converged start, refusing learned nothing of the blur tuning shift in 1,000 reports (every full
    /// consolidation broke the limit), so the default tries three shares (bench/README.md, fifth round).
    /// </summary>
    public IReadOnlyList<double> InterpolationShares { get; init; } = [0.75, 0.5, 0.25];

    /// <summary>
    /// Every this many reports, one is held out of the consolidations' training (it is remembered like any other, so it
    /// is in effect at once and kept): the held-out reports are the shift's validation set. A consolidation whose
    /// weights get more of them wrong than production's weights do is refused. Only reports older than production's
    /// weights count, since newer ones were picked as production's mistakes. 0: no hold-out, no such check.
    /// </summary>
    public int HoldOutEvery { get; init; }

    /// <summary>A reserved labelled slice of the shift that every consolidation must not do worse on (see <see cref="Lifelong.ShiftGate"/>); null: none.</summary>
    public ShiftGate? ShiftGate { get; init; }

    /// <summary>
    /// When set, every consolidation also trains on the unexamined traffic served so far that production answers with
    /// at least this confidence, pseudo-labelled with its answers (<see cref="ObservedTraffic"/>); null: traffic is ignored.
    /// </summary>
    public double? PseudoLabelConfidence { get; init; }
}
