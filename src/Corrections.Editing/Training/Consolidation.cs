using Corrections.Editing.Correcting;
using Corrections.Editing.Data;

namespace Corrections.Editing.Training;

/// <summary>
/// Folds corrections into a model's weights in a few hundred steps, where a retraining spends a full epoch and drowns
/// them (or, repeated ×100, overfits them). The anchor is a fixed model: against the version trained last it keeps the
/// original distribution from drifting consolidation after consolidation, which KL to the previous version does not.
/// </summary>
public static class Consolidation
{
    /// <summary>
    /// Trains <paramref name="model"/> in place (with <paramref name="pseudo"/>-labelled traffic, if any: see
    /// <see cref="ConsolidationRun"/>); returns the mean loss of the last tenth of the steps.
    /// </summary>
    public static double Run(EditableModel model, CorrectionSet corrections, LabeledImages clean, EditableModel anchor, ConsolidationOptions options, LabeledImages? pseudo = null)
    {
        using var run = new ConsolidationRun(model, corrections, clean, anchor, options, pseudo);
        run.Advance(run.Steps);
        return run.TailLoss;
    }

    /// <summary>
    /// A consolidated version: a copy of <paramref name="from"/> whose weights are trained on every one of
    /// <paramref name="corrections"/> (<see cref="Run"/>), with a memory rebuilt to hold exactly the corrections the new
    /// weights do not make (<see cref="Folding"/>, which runs the same in steps for a caller that must let other work in).
    /// </summary>
    public static EditableModel Fold(EditableModel from, CorrectionSet corrections, LabeledImages clean, EditableModel anchor, LabeledImages reference, ConsolidationOptions options, MemoryOptions memory, CorrectionSet? trainOn = null, LabeledImages? pseudo = null)
    {
        using var folding = new Folding(from, corrections, clean, anchor, options, memory, trainOn, pseudo);
        folding.Run.Advance(folding.Run.Steps);
        return folding.Finish(reference);
    }
}
