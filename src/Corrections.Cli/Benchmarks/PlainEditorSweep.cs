using Corrections.Editing;
using Corrections.Editing.Data;
using Corrections.Editing.Evaluation;

namespace Corrections.Cli.Benchmarks;

/// <summary>
/// Tunes the plain model's editor learning rate, which Editable Training learns for the editable model and the plain
/// model never does: the paper protocol at each rate on its own edit inputs, drawdown on test[:2000]. The best is the
/// lowest drawdown among rates with 100 % success (else the highest success): comparing against an untuned rate
/// (0.1 flips most of the test set) is a strawman.
/// </summary>
public static class PlainEditorSweep
{
    public sealed record Outcome(List<SweepRow> Rows, SweepRow Best);

    public static Outcome Run(EditableModel plain, LabeledImages test, IReadOnlyList<double> learningRates, int edits, int maxSteps, long seed)
    {
        if (learningRates.Count == 0)
        {
            throw new ArgumentException("The sweep needs at least one learning rate.");
        }
        using var evaluationData = test.Take(Math.Min(2000, test.Count));
        var rows = new List<SweepRow>();
        foreach (var lr in learningRates)
        {
            using var model = plain.Clone();
            model.Editor.SetLearningRate(lr);
            model.Editor.LimitSteps(maxSteps);
            using var evaluation = new EvaluationSet("test[:2000]", model, evaluationData);
            var result = EditProtocols.Independent("paper", "plain", evaluation, evaluationData, EditCases.Random(model, evaluationData, edits, seed));
            rows.Add(new SweepRow(lr, result.DrawdownPp, result.SuccessRate, result.MeanSteps, result.Edits));
        }
        var complete = rows.Where(r => r.SuccessRate >= 100).ToList();
        var best = complete.Count > 0 ? complete.MinBy(r => r.DrawdownPp)! : rows.MaxBy(r => r.SuccessRate)!;
        return new Outcome(rows, best);
    }
}
