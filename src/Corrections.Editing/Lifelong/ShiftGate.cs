using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;
using static TorchSharp.torch;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// A labelled slice of the shift, reserved from the stream so that no report is drawn from it: the NAE-style gate set
/// of a consolidation. A consolidation whose weights get more of the slice wrong than production's weights do is
/// refused, so the shifted error a stream reaches rises from one consolidation to the next by no more than the slice's
/// sampling error. Judged by the weights alone: a memory covers reported inputs, and none of the slice was reported.
/// <para>
/// The earlier gate on held-out reports (<see cref="LifelongOptions.HoldOutEvery"/>) judged on production's own
/// mistakes, too few and too biased; this slice is a random sample of the shift.
/// </para>
/// </summary>
public sealed class ShiftGate(LabeledImages slice)
{
    private double? _productionError;

    public LabeledImages Slice { get; } = slice;

    /// <summary>Consolidations refused on the slice.</summary>
    public int Refused { get; private set; }

    /// <summary>The weights' error on the slice of the version in production, in [0, 1]; null before the first judgement.</summary>
    public double? ProductionError => _productionError;

    /// <summary>
    /// Whether <paramref name="candidate"/> may replace <paramref name="production"/>; when it may, its error is
    /// production's from then on. Production's weights must change only through admitted candidates.
    /// </summary>
    public bool Admit(EditableModel candidate, EditableModel production)
    {
        _productionError ??= Error(production);
        var error = Error(candidate);
        if (error > _productionError)
        {
            Refused++;
            return false;
        }
        _productionError = error;
        return true;
    }

    /// <summary>Which of <paramref name="candidates"/> does best on the slice (the first of equals); it still has to pass <see cref="Admit"/>.</summary>
    public int Best(IReadOnlyList<EditableModel> candidates)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        var errors = candidates.Select(Error).ToList();
        return errors.IndexOf(errors.Min());
    }

    private double Error(EditableModel model)
    {
        using var scope = NewDisposeScope();
        return Metrics.ErrorRate(model.WeightLogits(Slice.Images).argmax(1), Slice.Labels);
    }
}
