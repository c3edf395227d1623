using System.Globalization;
using Corrections.Contracts;
using Corrections.Editing.Evaluation;
using Corrections.Registry.Entities;

namespace Corrections.Pipeline.Gate;

/// <summary>
/// The gate's rules, in one place and free of I/O: each threshold of a validation set, the own corrections (all of an
/// edit's, <see cref="ValidationOptions.MinFoldedCorrectionsHeld"/> of a retrain's), the earlier corrections, and
/// failing closed when no set was measured. The recorded rows and the verdict both read this judgement.
/// </summary>
public static class GateRules
{
    public static GateJudgement Judge(CandidateMeasurement measured, ValidationOptions options, int parentNumber, int? productionNumber, VersionKind kind)
    {
        var sets = measured.Sets;
        var figures = new List<ValidationFigure>();
        var reasons = new List<string>();
        foreach (var m in sets)
        {
            var drawdown = Metrics.DrawdownPp(m.ParentError, m.Error);
            var cumulative = Metrics.DrawdownPp(m.TrainedError, m.Error);
            double? change = m.ProductionError is { } p ? Metrics.DrawdownPp(p, m.Error) : null;
            var failures = new List<string>();
            if (Metrics.OverLimit(drawdown, m.Set.MaxDrawdownPp))
            {
                failures.Add(F($"drawdown vs v{parentNumber} {drawdown:F2} pp > {m.Set.MaxDrawdownPp} pp"));
            }
            if (Metrics.OverLimit(cumulative, m.Set.MaxCumulativeDrawdownPp))
            {
                failures.Add(F($"cumulative drawdown {cumulative:F2} pp > {m.Set.MaxCumulativeDrawdownPp} pp"));
            }
            if (m.Set.MaxErrorRate is { } maxError && m.Error > maxError)
            {
                failures.Add(F($"error {m.Error:P2} > {maxError:P2}"));
            }
            if (m.Set.MaxChangeVsProductionPp is { } maxChange && change is { } changed && Metrics.OverLimit(changed, maxChange))
            {
                failures.Add(F($"change vs production v{productionNumber} {change:F2} pp > {maxChange} pp"));
            }
            // Only for weights that learnt from many corrections at once: a single edit moves the boundary between two
            // confusable classes and trades one's error for the other's (10-15 pp of a 200-image class within 1 pp overall).
            if (kind != VersionKind.Edit && WorstClass(m) is var (label, classError, baseError) && m.Set.MaxClassDrawdownPp is { } maxClass && Metrics.OverLimit(Metrics.DrawdownPp(baseError, classError), maxClass))
            {
                failures.Add(F($"class {label} error {classError:P1} vs {baseError:P1} in base v{m.BaseNumber} (+{(classError - baseError) * 100:F1} pp > {maxClass} pp)"));
            }
            reasons.AddRange(failures.Select(f => $"{m.Set.Name}: {f}"));
            figures.Add(new ValidationFigure
            {
                Set = m.Set.Name,
                ErrorRate = m.Error,
                DrawdownPp = drawdown,
                CumulativeDrawdownPp = cumulative,
                ChangeVsProductionPp = change,
                Passed = failures.Count == 0,
            });
        }
        if (measured.Unusable is { } unusable)
        {
            reasons.Add($"model file unusable: {unusable}");
            return new GateJudgement(figures, reasons, false, false);
        }
        // A retrain folds in conflicting corrections too (that is what the backlog holds), so it is held to a share of
        // them, not to every one; the corrections already in production must still hold as for any candidate. A
        // consolidation keeps what its weights do not make in its memory, so it is held to all, as an edit is.
        var minimum = OwnMinimum(options, kind);
        var ownHeld = measured.CorrectionSuccess >= minimum;
        if (!ownHeld)
        {
            reasons.Add(F($"{(kind == VersionKind.Edit ? "own" : "folded")} corrections: {measured.CorrectionSuccess:P1} predicted as corrected < {minimum:P1}"));
        }
        var minimumHeld = options.MinEarlierCorrectionsHeld;
        var earlierHeld = measured.EarlierHeld >= minimumHeld;
        if (!earlierHeld)
        {
            reasons.Add(F($"earlier corrections: {measured.EarlierHeld:P1} of {measured.EarlierCount} still hold < {minimumHeld:P1}"));
        }
        if (measured.Trigger is { } pull && options.MaxTriggerPullPp is { } maxPull && Metrics.OverLimit(pull.RisePp, maxPull))
        {
            reasons.Add(F($"trigger probe: a {pull.PatchSize}x{pull.PatchSize} patch of {pull.Value:0.##} at ({pull.Row}, {pull.Column}) sends {pull.CandidateRate:P1} of other classes' probe images to label {pull.Label} (base v{measured.TriggerReferenceNumber}: {pull.ReferenceRate:P1}), +{pull.RisePp:F1} pp > {maxPull} pp: a backdoor?"));
        }
        if (sets.Count == 0)
        {
            // Fail closed: a candidate nobody measured on held-out data may have broken anything.
            reasons.Add("no validation set fits this model: configure one under Validation:Sets for its input shape and classes");
        }
        return new GateJudgement(figures, reasons, ownHeld, earlierHeld);
    }

    /// <summary>The class whose error rose most above the base's, with both errors; null when the set was not measured per class.</summary>
    public static (int Label, double Error, double BaseError)? WorstClass(SetMeasurement m)
    {
        if (m.ClassErrors is not { Count: > 0 } errors || m.BaseClassErrors is not { } baseErrors || baseErrors.Count != errors.Count)
        {
            return null;
        }
        var worst = Enumerable.Range(0, errors.Count).MaxBy(k => errors[k] - baseErrors[k]);
        return (worst, errors[worst], baseErrors[worst]);
    }

    /// <summary>The share of its own corrections a candidate must predict: most of a retrain's, all of an edit's or a consolidation's.</summary>
    public static double OwnMinimum(ValidationOptions options, VersionKind kind) => kind == VersionKind.Retrain ? options.MinFoldedCorrectionsHeld : options.MinCorrectionSuccess;

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
