using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;

namespace Corrections.Editing.Lifelong;

/// <summary>
/// The clean limit a consolidation must keep: at most <see cref="LimitPp"/> more error than the start version on clean
/// validation images. One over the limit may still be admitted part of the way (<see cref="Shares"/>): the versions
/// those shares of the way from the weights it started from to its own (<see cref="Training.WeightInterpolation"/>)
/// are tried in turn, and the first within the limit is admitted. The design and naive consolidation take the same
/// rule, so that they can be compared at equal clean cost.
/// </summary>
public sealed class CleanLimit
{
    private readonly LabeledImages _validation;
    private readonly double _startError;
    private readonly List<(double Share, double CostPp)> _tried = [];

    /// <summary>Judges against <paramref name="start"/>'s error on <paramref name="validation"/>, measured here once.</summary>
    public CleanLimit(EditableModel start, LabeledImages validation, double limitPp, IReadOnlyList<double> shares)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitPp);
        if (shares.Any(share => share is <= 0 or >= 1))
        {
            throw new ArgumentException($"Interpolation shares lie in (0, 1), not {string.Join(", ", shares)}.", nameof(shares));
        }
        (_validation, LimitPp, Shares) = (validation, limitPp, shares);
        _startError = Metrics.ErrorRate(start, validation);
    }

    public double LimitPp { get; }

    /// <summary>Shares of the way tried, in order, for a consolidation over the limit; empty: such a one is refused.</summary>
    public IReadOnlyList<double> Shares { get; }

    /// <summary><see cref="Shares"/> as a method's setting: comma-separated, or none.</summary>
    public string SharesSetting => Shares.Count == 0 ? "none" : string.Join(",", Shares.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Consolidations admitted part of the way.</summary>
    public int PartWay { get; private set; }

    /// <summary>
    /// What the last <see cref="Admit"/> tried, in order: the share of the way (1 for the consolidation itself) and its
    /// cost in pp; the last one tried is the one admitted, unless every one broke the limit.
    /// </summary>
    public IReadOnlyList<(double Share, double CostPp)> Tried => _tried;

    /// <summary>
    /// <paramref name="candidate"/> if it keeps the limit, else the first version part of the way from
    /// <paramref name="from"/>'s weights to its own that does (its memory rebuilt by <paramref name="remember"/>, when
    /// the candidate has one to rebuild), else null. Whatever is not returned is disposed. Judged with the memory, as the
    /// service's gate judges a consolidation: what production would answer.
    /// </summary>
    public EditableModel? Admit(EditableModel from, EditableModel candidate, Action<EditableModel>? remember = null)
    {
        using var admission = Begin(from, candidate, remember);
        while (!admission.Decided)
        {
            admission.Step();
        }
        return admission.Take();
    }

    /// <summary>
    /// The same decision one version at a time (<see cref="Admission.Step"/>), for a caller that must let other work in
    /// between: each try interpolates, rebuilds a memory and measures the validation images, about a second on 2 cores.
    /// </summary>
    public Admission Begin(EditableModel from, EditableModel candidate, Action<EditableModel>? remember = null)
    {
        _tried.Clear();
        return new Admission(this, from, candidate, remember);
    }

    internal void CountPartWay() => PartWay++;

    internal bool Within(EditableModel version, double share)
    {
        var cost = CostPp(version);
        _tried.Add((share, cost));
        return !Metrics.OverLimit(cost, LimitPp);
    }

    /// <summary>What <paramref name="candidate"/> costs against the start on the validation images, in pp.</summary>
    public double CostPp(EditableModel candidate) => Metrics.DrawdownPp(_startError, Metrics.ErrorRate(candidate, _validation));
}
